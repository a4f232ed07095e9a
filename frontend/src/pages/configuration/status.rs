//! Where the live configuration came from, and whether the console has changed it since
//! (SPEC CFG-6): the last snapshot's source, who and when, and the drift with its changes.

use leptos::prelude::*;
use omni_types::Permission;
use omni_types::config::ConfigStatus;
use wasm_bindgen::JsCast;

use super::describe::{count, source_phrase};
use super::diff_view::ChangeList;
use super::use_workspace;
use crate::components::error_panel::load_failure;
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::{RelativeTime, now};
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::Transition;

#[component]
pub fn SourceIndicator() -> impl IntoView {
    let workspace = use_workspace();
    let reloading = RwSignal::new(false);
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| workspace.status.refetch());
    // Kept out here: the status is asked for again now and then, and the list of changes
    // must not fold up under the admin reading it.
    let open = RwSignal::new(false);
    let body = move || {
        Suspend::new(async move {
            match workspace.status.await {
                Ok(status) => view! { <Source status open /> }.into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::ConfigRead,
                    "Could not find out where the configuration came from",
                    retry,
                    retrying,
                ),
            }
        })
    };
    let fallback = || {
        view! {
            <SkeletonBlock label="Loading where the configuration came from…">
                <SkeletonLine width="min(28rem, 100%)" />
            </SkeletonBlock>
        }
    };
    view! {
        <div class="config-source" data-testid="config-source">
            <Transition fallback set_pending=reloading>
                {body}
            </Transition>
        </div>
    }
}

#[component]
fn Source(status: ConfigStatus, open: RwSignal<bool>) -> impl IntoView {
    let never = status.last_snapshot.is_none();
    let origin = match status.last_snapshot {
        Some(last) => view! {
            <p class="config-source__origin" data-testid="config-origin">
                {format!("Last applied {} by {}, ", source_phrase(last.source), last.actor.label)}
                <RelativeTime at=last.created_at now=Signal::stored(now()) />
            </p>
        }
        .into_any(),
        None => view! {
            <p class="config-source__origin" data-testid="config-origin">
                "Never applied from a document: everything was set in the console or through the API."
            </p>
        }
        .into_any(),
    };
    let changes = status.console_changes;
    let drift = if status.drifted {
        let text = if changes.is_empty() {
            "Drifted: the configuration differs from what the last apply left".to_owned()
        } else {
            format!(
                "Drifted: {} in the console since the last apply",
                count(changes.len(), "change", "changes")
            )
        };
        let listed = !changes.is_empty();
        view! {
            <details
                class="drift"
                data-testid="config-drift"
                prop:open=move || open.get()
                on:toggle=move |ev| {
                    if let Some(details) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                        open.set(details.open());
                    }
                }
            >
                <summary>
                    <span class="drift__badge drift__badge--drifted">
                        <IconSvg icon=Icon::Alert />
                        {text}
                    </span>
                </summary>
                <div class="drift__changes">
                    {if listed {
                        view! { <ChangeList changes /> }.into_any()
                    } else {
                        view! { <p class="muted small">"Review the document's changes to see what differs."</p> }.into_any()
                    }}
                </div>
            </details>
        }
        .into_any()
    } else if never {
        ().into_any()
    } else {
        view! {
            <p class="drift" data-testid="config-drift">
                <span class="drift__badge drift__badge--in-sync">
                    <IconSvg icon=Icon::ShieldCheck />
                    "In sync: no changes in the console since the last apply"
                </span>
            </p>
        }
        .into_any()
    };
    view! { <div class="config-source__body">{origin} {drift}</div> }
}
