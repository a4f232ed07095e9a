//! Your tokens, newest first: a table (cards on narrow screens) with "Load more".

use leptos::prelude::*;
use omni_types::Page;
use omni_types::tokens::{ApiToken, TokenStatus};
use uuid::Uuid;

use crate::api::ApiError;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::modal::ConfirmDialog;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction, effect};
use crate::state::use_api;

#[component]
pub fn TokenList(first: Page<ApiToken>, on_changed: Callback<()>) -> impl IntoView {
    if first.items.is_empty() {
        return view! {
            <div class="empty-state">
                <h2 class="empty-state__title">"No API tokens yet"</h2>
                <p class="muted">"Create one to let a script or an integration call the API on your behalf."</p>
            </div>
        }
        .into_any();
    }
    let api = use_api();
    let tokens = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let cursor = cursor.clone();
        async move {
            let page = api.api_tokens(Some(cursor)).await?;
            tokens.try_update(|tokens| tokens.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });

    let revoking = RwSignal::new(None::<ApiToken>);
    let revoke = LocalAction::new(move |id: &Uuid| {
        let id = *id;
        async move { api.api_token_revoke(id).await }
    });
    effect(move || {
        if let Some(Ok(())) = revoke.value().get() {
            revoke.value().set(None);
            revoking.set(None);
            on_changed.run(());
        }
    });
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let confirm = move || {
        revoking.get().map(|token| {
            let id = token.id;
            view! {
                <ConfirmDialog
                    title="Revoke this token?"
                    message=format!(
                        "“{}” ({}…) stops working at once. Anything that uses it will get 401 errors. This cannot be undone.",
                        token.name,
                        token.prefix,
                    )
                    confirm_label="Revoke token"
                    danger=true
                    pending=revoke.pending()
                    error=revoke_error
                    on_confirm=Callback::new(move |()| {
                        revoke.dispatch(id);
                    })
                    on_close=Callback::new(move |()| {
                        revoke.value().set(None);
                        revoking.set(None);
                    })
                />
            }
        })
    };

    view! {
        <table class="settings-table" role="table">
            <caption class="visually-hidden">"Your API tokens, newest first"</caption>
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader">"Name"</th>
                    <th scope="col" role="columnheader">"Prefix"</th>
                    <th scope="col" role="columnheader">"Permissions"</th>
                    <th scope="col" role="columnheader">"Status"</th>
                    <th scope="col" role="columnheader">"Last used"</th>
                    <th scope="col" role="columnheader">"Expires"</th>
                    <th scope="col" role="columnheader">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody role="rowgroup">
                <Keyed
                    each=move || tokens.get()
                    key=|token| (token.id, token.status == TokenStatus::Active)
                    children=move |token| view! { <TokenRow token on_revoke=Callback::new(move |t| revoking.set(Some(t))) /> }
                />
            </tbody>
        </table>
        <div class="settings-list__footer">
            <LoadMore next action=load_more what="tokens" />
        </div>
        {confirm}
    }
    .into_any()
}

#[component]
fn TokenRow(token: ApiToken, on_revoke: Callback<ApiToken>) -> impl IntoView {
    let (label, class) = status_badge(token.status);
    let permissions = token
        .permissions
        .iter()
        .map(|p| view! { <li class="badge badge--plain"><code>{p.clone()}</code></li> })
        .collect_view();
    let active = token.status == TokenStatus::Active;
    let name = token.name.clone();
    let revoked = StoredValue::new(token.clone());
    view! {
        <tr role="row" class="settings-row" data-testid="token-row">
            <td role="cell" data-label="Name">
                <strong>{token.name}</strong>
            </td>
            <td role="cell" data-label="Prefix">
                <code class="settings-row__prefix">{format!("{}…", token.prefix)}</code>
            </td>
            <td role="cell" data-label="Permissions">
                <ul class="badges badges--compact" aria-label="Permissions">{permissions}</ul>
            </td>
            <td role="cell" data-label="Status">
                <span class=format!("status-badge {class}")>{label}</span>
            </td>
            <td role="cell" data-label="Last used">
                {match token.last_used_at {
                    Some(at) => view! {
                        <LocalTime at />
                        {token.last_used_ip.map(|ip| view! { <span class="muted small block">{format!("from {ip}")}</span> })}
                    }
                    .into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td role="cell" data-label="Expires">
                {match token.expires_at {
                    Some(at) => view! { <LocalTime at /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td role="cell" class="settings-row__actions">
                {active
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--ghost button--small button--danger-text"
                                aria-label=format!("Revoke {name}")
                                on:click=move |_| on_revoke.run(revoked.get_value())
                            >
                                "Revoke"
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}

fn status_badge(status: TokenStatus) -> (&'static str, &'static str) {
    match status {
        TokenStatus::Active => ("Active", "status-badge--ok"),
        TokenStatus::Expired => ("Expired", "status-badge--muted"),
        TokenStatus::Revoked => ("Revoked", "status-badge--danger"),
    }
}

#[component]
pub fn TokensSkeleton() -> impl IntoView {
    let rows = (0..4)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="20%" />
                    <SkeletonLine width="15%" />
                    <SkeletonLine width="30%" />
                    <SkeletonLine width="12%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading your API tokens…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
