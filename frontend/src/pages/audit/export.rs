//! "Export CSV": every entry matching the applied filter, as a file (SPEC AUDIT-3).

use leptos::prelude::*;
use omni_types::audit::AuditFilter;

use super::url::Applied;
use crate::api::ApiError;
use crate::components::icons::{Icon, IconSvg};
use crate::reactive::LocalAction;

/// Takes the filter to export; answers the saved file's name.
pub type ExportAction = LocalAction<AuditFilter, Result<String, ApiError>>;

#[component]
pub fn ExportButton(export: ExportAction, applied: Memo<Applied>) -> impl IntoView {
    let busy = export.pending();
    // A link with a broken time would export more than the admin asked for.
    let unusable = move || applied.with(|applied| !applied.is_valid());
    view! {
        <button
            type="button"
            class="button button--secondary"
            title="Download every entry matching the applied filters"
            on:click=move |_| {
                if !busy.get_untracked() {
                    export.dispatch(applied.with_untracked(|applied| applied.filter.clone()));
                }
            }
            disabled=move || busy.get() || unusable()
            aria-busy=move || busy.get().to_string()
        >
            {move || {
                if busy.get() {
                    view! { <span class="spinner spinner--small" aria-hidden="true"></span> }.into_any()
                } else {
                    view! { <IconSvg icon=Icon::Download /> }.into_any()
                }
            }}
            "Export CSV"
        </button>
    }
}

#[component]
pub fn ExportOutcome(export: ExportAction) -> impl IntoView {
    let busy = export.pending();
    let outcome = move || {
        if busy.get() {
            return None;
        }
        let view = match export.value().get()? {
            Ok(name) => view! { <p class="muted small">{format!("Saved {name}.")}</p> }.into_any(),
            Err(error) => view! {
                <div class="alert alert--error">
                    <IconSvg icon=Icon::Alert />
                    <p>{format!("Could not export the audit log: {error}")}</p>
                </div>
            }
            .into_any(),
        };
        Some(view)
    };
    view! { <div aria-live="polite">{outcome}</div> }
}
