//! `/settings/tokens`: the signed-in admin's API tokens (SPEC AUTH-5). Create one scoped to
//! a subset of your permissions, see its secret once, revoke it.

mod create;
mod list;

use leptos::prelude::*;
use omni_types::tokens::CreatedApiToken;

use crate::components::error_panel::ErrorPanel;
use crate::reactive::{Loader, Show, Transition};
use crate::routes;
use crate::state::use_api;
use create::{CreateTokenForm, NewTokenSecret};
use list::{TokenList, TokensSkeleton};

#[component]
pub fn TokensPage() -> impl IntoView {
    let api = use_api();
    let tokens = Loader::new(move || async move { api.api_tokens(None).await });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| tokens.refetch());
    let form_open = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedApiToken>);
    let on_created = Callback::new(move |token: CreatedApiToken| {
        form_open.set(false);
        created.set(Some(token));
        tokens.refetch();
    });

    let list = move || {
        Suspend::new(async move {
            match tokens.await {
                Ok(first) => view! { <TokenList first on_changed=reload /> }.into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not load your API tokens" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::TOKENS.title}</h1>
                <p class="muted">
                    "Tokens let scripts and integrations call the API as you, with only the permissions you give them."
                </p>
            </div>
            <div class="page-header__actions">
                <button
                    type="button"
                    class="button button--primary"
                    aria-expanded=move || form_open.get().to_string()
                    aria-controls="token-form"
                    on:click=move |_| {
                        created.set(None);
                        form_open.update(|open| *open = !*open);
                    }
                >
                    "Create token"
                </button>
            </div>
        </header>
        <div class="stack">
            <Show when=move || form_open.get()>
                <CreateTokenForm on_created on_cancel=Callback::new(move |()| form_open.set(false)) />
            </Show>
            {move || created.get().map(|token| view! { <NewTokenSecret token on_done=Callback::new(move |()| created.set(None)) /> })}
            <section class="settings-list" aria-label="Your API tokens" aria-busy=move || reloading.get().to_string()>
                <Transition fallback=TokensSkeleton set_pending=reloading>
                    {list}
                </Transition>
            </section>
        </div>
    }
}
