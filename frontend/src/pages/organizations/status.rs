//! Suspend and activate, each with a reason (SPEC ORG-3), and the history of both.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::orgs::{OrgStatus, Organization};
use uuid::Uuid;

use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::field::TextAreaField;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::modal::Modal;
use crate::components::org_status::OrgStatusBadge;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, Loader, LocalAction, Show, Transition, effect};
use crate::state::use_api;

const REASON_MAX: usize = 500;

fn check_reason(reason: &str) -> Option<String> {
    let length = reason.trim().chars().count();
    if length == 0 {
        Some("is required".into())
    } else if length > REASON_MAX {
        Some(format!("must be at most {REASON_MAX} characters"))
    } else {
        None
    }
}

/// Asks for the reason, then suspends an active organization or activates a suspended one.
#[component]
pub fn StatusDialog(org: Organization, on_changed: Callback<Organization>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let id = org.id;
    let to = match org.status {
        OrgStatus::Active => OrgStatus::Suspended,
        OrgStatus::Suspended => OrgStatus::Active,
    };
    let (title, explanation, confirm) = match to {
        OrgStatus::Suspended => (
            format!("Suspend {}?", org.name),
            "Its users can call nothing and its usage events are refused until it is activated again. The reason is kept in the status history and shown wherever the organization appears.",
            "Suspend organization",
        ),
        OrgStatus::Active => (
            format!("Activate {}?", org.name),
            "Its users can call the tools they are granted again, and its usage events are accepted.",
            "Activate organization",
        ),
    };
    let reason = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let change = LocalAction::new(move |reason: &String| {
        let reason = reason.clone();
        async move { api.organization_set_status(id, to, &reason).await }
    });
    effect(move || {
        if let Some(Ok(org)) = change.value().get() {
            on_changed.run(org);
            on_close.run(());
        }
    });
    let server_error = move || change.value().get().and_then(Result::err);
    let errors = Signal::derive(move || {
        let mut shown: Vec<String> = if attempted.get() {
            check_reason(&reason.get()).into_iter().collect()
        } else {
            Vec::new()
        };
        if let Some(e) = server_error() {
            shown.extend(e.field_errors("reason").iter().cloned());
        }
        shown
    });
    let count = Signal::derive(move || {
        format!(
            "{} of {REASON_MAX} characters",
            reason.with(|r| r.trim().chars().count())
        )
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let text = reason.get_untracked();
        if check_reason(&text).is_none() {
            change.dispatch(text.trim().to_owned());
        }
    };
    // A 409 (already in that state: someone else was quicker) and anything else not about
    // the reason gets a message of its own.
    let other_error = move || server_error().filter(|e| e.needs_own_message(&["reason"]));
    let pending = change.pending();
    view! {
        <Modal title on_close role="alertdialog">
            <form class="settings-form" novalidate on:submit=on_submit>
                <p>{explanation}</p>
                <TextAreaField
                    id="org-status-reason"
                    label="Reason"
                    value=reason
                    errors
                    hint=count
                    placeholder=Some(if to == OrgStatus::Suspended { "e.g. Invoice 2026-114 unpaid for 60 days" } else { "e.g. Invoice paid" })
                    on_blur=Callback::new(move |()| attempted.set(true))
                />
                {move || other_error().map(|e| view! { <p class="inline-error" role="alert">{e.to_string()}</p> })}
                <div class="modal__actions">
                    <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button
                        type="submit"
                        class="button button--primary"
                        class:button--danger=to == OrgStatus::Suspended
                        disabled=move || pending.get()
                        aria-busy=move || pending.get().to_string()
                    >
                        <Show when=move || pending.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        {confirm}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// Every suspension and activation, newest first.
#[component]
pub fn StatusHistory(id: Uuid, version: Signal<u32>) -> impl IntoView {
    let api = use_api();
    let history = Loader::new(move || {
        version.track();
        async move { api.organization_status_history(id, None).await }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| history.refetch());
    let body = move || {
        Suspend::new(async move {
            match history.await {
                Ok(first) if first.items.is_empty() => {
                    view! { <p class="muted">"Never suspended: active since it was created."</p> }.into_any()
                }
                Ok(first) => {
                    let changes = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let cursor = cursor.clone();
                        async move {
                            let page = api.organization_status_history(id, Some(cursor)).await?;
                            changes.try_update(|c| c.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <ol class="change-list" aria-label="Status changes, newest first">
                            <Keyed
                                each=move || changes.get()
                                key=|c| c.id
                                children=move |change| view! {
                                    <li class="change-list__item" data-testid="org-status-change">
                                        <div class="change-list__head">
                                            <OrgStatusBadge status=change.status />
                                            <span class="muted small"><LocalTime at=change.changed_at /></span>
                                            <span class="muted small">
                                                {change.changed_by.map_or_else(|| "by a deleted admin".to_owned(), |by| format!("by {by}"))}
                                            </span>
                                        </div>
                                        <p class="small">{change.reason}</p>
                                    </li>
                                }
                            />
                        </ol>
                        <LoadMore next action=load_more what="status changes" />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the status history" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="org-history-title" aria-busy=move || reloading.get().to_string()>
            <h2 id="org-history-title" class="card__title">"Status history"</h2>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the status history…"><SkeletonLine /><SkeletonLine width="60%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_short() {
        assert_eq!(check_reason("  ").as_deref(), Some("is required"));
        assert_eq!(check_reason("Invoice unpaid"), None);
        assert!(check_reason(&"x".repeat(501)).is_some());
    }
}
