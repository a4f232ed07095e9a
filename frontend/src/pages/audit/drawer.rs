//! The detail drawer: one entry, every field, and what it changed. A modal `<dialog>`: the
//! browser keeps focus inside it, makes the page behind inert and closes it on Escape.

use leptos::html;
use leptos::prelude::*;
use omni_types::audit::AuditEntry;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::actor::Actor;
use super::changes::Changes;
use super::diff::diff;
use super::is_target;
use crate::components::error_panel::ErrorPanel;
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::LocalTime;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, Transition, effect};
use crate::state::use_api;

const TITLE_ID: &str = "audit-entry-title";

/// Shown while the address names an entry. `known` is the entry as the list has it, when
/// the drawer was opened from there; otherwise it is loaded by id.
#[component]
pub fn EntryDrawer(entry: Result<Uuid, String>, known: Option<AuditEntry>, on_close: Callback<()>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    // Whatever had focus opened the drawer (a row, a link); focus goes back there.
    let opener = StoredValue::new_local(document().active_element());
    effect(move || {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            // Fails only for a dialog outside the document, which no one could see anyway.
            let _ = dialog.show_modal();
        }
    });
    on_cleanup(move || {
        let opener = opener.try_get_value().flatten();
        // After the dialog has left the page: until then everything else is inert.
        request_animation_frame(move || restore_focus(opener));
    });
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };

    let body = match (entry, known) {
        (Ok(_), Some(entry)) => view! { <EntryDetails entry /> }.into_any(),
        (Ok(id), None) => view! { <RemoteEntry id /> }.into_any(),
        (Err(text), _) => view! {
            <div class="alert alert--error" role="alert">
                <IconSvg icon=Icon::Alert />
                <p>{format!("“{text}” is not an audit entry id. Check the link you followed.")}</p>
            </div>
        }
        .into_any(),
    };

    view! {
        <dialog
            class="drawer"
            node_ref=dialog
            aria-labelledby=TITLE_ID
            aria-modal="true"
            // Every way of closing (Escape, the button, the backdrop) ends here.
            on:close=move |_| on_close.run(())
            // A click on the dialog itself, not on the panel filling it, is on the backdrop.
            on:click=move |ev| {
                if dialog.get_untracked().is_some_and(|dialog| is_target(&ev, &dialog)) {
                    close();
                }
            }
        >
            <div class="drawer__panel">
                <header class="drawer__header">
                    <h2 id=TITLE_ID>"Audit entry"</h2>
                    <button type="button" class="icon-button" aria-label="Close" on:click=move |_| close()>
                        <IconSvg icon=Icon::Close />
                    </button>
                </header>
                <div class="drawer__body">{body}</div>
            </div>
        </dialog>
    }
}

/// Back to the opener if it is still on the page; else to the main region, so keyboard
/// users carry on from the page rather than from the top of the document.
fn restore_focus(opener: Option<web_sys::Element>) {
    let target = opener
        .filter(|element| element.is_connected() && element.tag_name() != "BODY")
        .or_else(|| document().get_element_by_id("main"))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}

#[component]
fn RemoteEntry(id: Uuid) -> impl IntoView {
    let api = use_api();
    let entry = Loader::new(move || async move { api.audit_entry(id).await });
    let reloading = RwSignal::new(false);
    // Converted outside the `Suspend`, which would otherwise own (and drop) it.
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| entry.refetch());
    view! {
        <Transition fallback=DetailsSkeleton set_pending=reloading>
            {move || Suspend::new(async move {
                match entry.await {
                    Ok(entry) => view! { <EntryDetails entry /> }.into_any(),
                    Err(error) if error.status() == Some(404) => {
                        view! {
                            <div class="alert alert--error" role="alert">
                                <IconSvg icon=Icon::Alert />
                                <p>"There is no audit entry with this id. The link may be mistyped."</p>
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <ErrorPanel title="Could not load the entry" error on_retry=retry retrying />
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn EntryDetails(entry: AuditEntry) -> impl IntoView {
    let section = if diff(&entry.details).is_some() {
        "Changes"
    } else {
        "Details"
    };
    let actor_id = entry.actor.id;
    view! {
        <dl class="details details--drawer">
            <dt>"Time"</dt>
            <dd>
                <LocalTime at=entry.occurred_at />
            </dd>
            <dt>"Actor"</dt>
            <dd>
                <Actor actor=entry.actor />
                {actor_id.map(|id| view! { <code class="details__sub">{id.to_string()}</code> })}
            </dd>
            <dt>"Action"</dt>
            <dd>
                <code class="action-name">{entry.action}</code>
            </dd>
            <dt>"Resource type"</dt>
            <dd>{entry.resource_type}</dd>
            <dt>"Resource id"</dt>
            <dd>
                <Optional value=entry.resource_id code=true />
            </dd>
            <dt>"IP address"</dt>
            <dd>
                <Optional value=entry.ip code=true />
            </dd>
            <dt>"User agent"</dt>
            <dd>
                <Optional value=entry.user_agent />
            </dd>
            <dt>"Request id"</dt>
            <dd>
                <Optional value=entry.request_id code=true />
            </dd>
            <dt>"Entry id"</dt>
            <dd>
                <code>{entry.id.to_string()}</code>
            </dd>
            <dt>"Sequence"</dt>
            <dd>{format!("#{}", entry.seq)}</dd>
            <dt>"Hash"</dt>
            <dd>
                <code class="hash">{entry.hash}</code>
            </dd>
        </dl>
        <section class="drawer__section" aria-labelledby="audit-entry-changes">
            <h3 id="audit-entry-changes">{section}</h3>
            <Changes details=entry.details />
        </section>
    }
}

#[component]
fn Optional(value: Option<String>, #[prop(optional)] code: bool) -> impl IntoView {
    match value {
        Some(value) if code => view! { <code>{value}</code> }.into_any(),
        Some(value) => value.into_any(),
        None => view! { <span class="muted">"Not recorded"</span> }.into_any(),
    }
}

#[component]
fn DetailsSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading the entry…">
            <SkeletonLine width="60%" />
            <SkeletonLine width="45%" />
            <SkeletonLine width="70%" />
            <SkeletonLine width="50%" />
            <SkeletonLine width="80%" />
            <SkeletonLine width="40%" />
        </SkeletonBlock>
    }
}
