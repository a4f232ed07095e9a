//! Deleting an organization asks first and says what goes with it: its users and their
//! grants. While it owns MCP servers the server refuses, so that no server silently
//! becomes global; the dialog says so before anyone tries.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use omni_types::orgs::Organization;

use crate::components::modal::Modal;
use crate::reactive::{Loader, LocalAction, Show, Transition, effect};
use crate::routes;
use crate::state::{use_api, use_scope};

#[component]
pub fn DeleteDialog(org: Organization, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let scope = use_scope();
    let id = org.id;
    let (name, slug) = (org.name.clone(), org.slug.clone());
    let impact = Loader::new(move || async move { api.organization_impact(id).await });
    let delete = LocalAction::new(move |_: &()| async move { api.organization_delete(id).await });
    let navigate = use_navigate();
    effect(move || match delete.value().get() {
        Some(Ok(())) => {
            scope.refresh(id, None);
            navigate(&routes::ORGANIZATIONS.href(), NavigateOptions::default());
        }
        // Refused: it owns servers after all. The count catches up, and blocks the button.
        Some(Err(e)) if e.status() == Some(409) => impact.refetch(),
        _ => {}
    });
    // Servers it owns block the delete; until the count is known, so does the doubt.
    let blocked = move || impact.get().and_then(Result::ok).is_none_or(|i| i.server_count > 0);
    let typed = RwSignal::new(String::new());
    let confirmed = {
        let slug = slug.clone();
        move || typed.with(|t| t.trim() == slug)
    };
    let checking = RwSignal::new(false);
    let summary = move || {
        Suspend::new(async move {
            match impact.await {
                Ok(i) => {
                    let users = match i.user_count {
                        1 => "1 user is deleted with it, with their grants.".to_owned(),
                        n => format!("{n} users are deleted with it, with their grants."),
                    };
                    view! {
                        <ul class="impact" data-testid="delete-impact">
                            <li>{users}</li>
                            <li>{match i.server_count {
                                0 => "It owns no MCP servers.".to_owned(),
                                1 => "It owns 1 MCP server.".to_owned(),
                                n => format!("It owns {n} MCP servers."),
                            }}</li>
                        </ul>
                        {(i.server_count > 0).then(|| view! {
                            <p class="alert alert--warning" role="note" data-testid="delete-blocked">
                                "An organization that owns MCP servers cannot be deleted: reassign its servers to another organization (or make them global), or delete them, first."
                            </p>
                        })}
                    }
                    .into_any()
                }
                Err(e) => view! {
                    <p class="inline-error" role="alert">{format!("Could not tell what goes with it: {e}")}</p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Modal title=format!("Delete {name}?") on_close role="alertdialog">
            <p>{format!("{name} is deleted for good, with everything below. This cannot be undone.")}</p>
            <Transition fallback=|| view! { <p class="muted">"Counting what goes with it…"</p> } set_pending=checking>
                {summary}
            </Transition>
            <div class="field">
                <label class="field__label" for="org-delete-confirm">{format!("Type {slug} to confirm")}</label>
                <input
                    id="org-delete-confirm"
                    class="input"
                    type="text"
                    autocomplete="off"
                    prop:value=move || typed.get()
                    on:input:target=move |ev| typed.set(ev.target().value())
                />
            </div>
            // The server's refusal (servers assigned since the count), in its own words.
            {move || delete.value().get().and_then(Result::err).map(|e| {
                let servers = e.field_errors("servers").join(" ");
                view! { <p class="inline-error" role="alert">{if servers.is_empty() { e.to_string() } else { format!("Not deleted: {servers}.") }}</p> }
            })}
            <div class="modal__actions">
                <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                <Show when=blocked>
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || checking.get()
                        on:click=move |_| impact.refetch()
                    >
                        "Count again"
                    </button>
                </Show>
                <button
                    type="button"
                    class="button button--primary button--danger"
                    disabled={
                        let confirmed = confirmed.clone();
                        move || !confirmed() || blocked() || delete.pending().get()
                    }
                    aria-busy=move || delete.pending().get().to_string()
                    on:click=move |_| {
                        delete.dispatch(());
                    }
                >
                    "Delete organization"
                </button>
            </div>
        </Modal>
    }
}
