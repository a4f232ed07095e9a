//! The timeline's dialogs: a snapshot's document, a comparison, and a rollback, which
//! shows its preview (a dry run) and is confirmed from there.

use leptos::prelude::*;
use omni_types::config::{RollbackRequest, SnapshotSummary};

use super::describe::{self, count, source_label};
use super::diff_view::DiffView;
use super::editor::YamlView;
use super::review::forbidden;
use super::snapshots::when;
use super::use_workspace;
use crate::components::error_panel::ErrorPanel;
use crate::components::icons::{Icon, IconSvg};
use crate::components::modal::Modal;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, LocalAction, Show, Transition, effect};
use crate::state::use_api;

/// "File, by ada@example.com: 1 created, 0 updated, 0 deleted."
fn about(snapshot: &SnapshotSummary) -> String {
    format!(
        "{}, by {}: {}.",
        source_label(snapshot.source),
        snapshot.actor.label,
        describe::summary(&snapshot.summary).to_lowercase()
    )
}

#[component]
fn Loading(label: &'static str) -> impl IntoView {
    view! {
        <SkeletonBlock label>
            <SkeletonLine width="60%" />
            <SkeletonLine width="85%" />
            <SkeletonLine width="40%" />
        </SkeletonBlock>
    }
}

#[component]
pub fn ViewDialog(snapshot: SnapshotSummary, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let workspace = use_workspace();
    let id = snapshot.id;
    let label = when(snapshot.created_at);
    let loaded = Loader::new(move || async move { api.config_snapshot(id).await });
    let reloading = RwSignal::new(false);
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| loaded.refetch());
    let region = format!("The document of the snapshot of {label}");
    let body = move || {
        let region = region.clone();
        Suspend::new(async move {
            match loaded.await {
                Ok(full) => {
                    let document = StoredValue::new(full.document.clone());
                    view! {
                        <YamlView document=full.document label=region />
                        <div class="modal__actions">
                            <button
                                type="button"
                                class="button button--secondary"
                                title="Put this document in the editor, to review and apply it or a change of it"
                                on:click=move |_| {
                                    workspace.text.set(document.get_value());
                                    on_close.run(());
                                }
                            >
                                "Open in the editor"
                            </button>
                            <button type="button" class="button button--primary" on:click=move |_| on_close.run(())>
                                "Close"
                            </button>
                        </div>
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the snapshot" error on_retry=retry retrying />
                }
                .into_any(),
            }
        })
    };
    view! {
        <Modal title=format!("Snapshot of {label}") on_close wide=true>
            <p class="muted small">{about(&snapshot)}</p>
            <Transition fallback=|| view! { <Loading label="Loading the snapshot…" /> } set_pending=reloading>
                {body}
            </Transition>
        </Modal>
    }
}

/// From snapshot `from` to snapshot `to`, or to the current configuration.
#[component]
pub fn CompareDialog(from: SnapshotSummary, to: Option<SnapshotSummary>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let (from_id, to_id) = (from.id, to.as_ref().map(|s| s.id));
    let diff = Loader::new(move || async move { api.config_snapshot_diff(from_id, to_id).await });
    let reloading = RwSignal::new(false);
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| diff.refetch());
    let new_label = if to.is_some() {
        "The later snapshot"
    } else {
        "The hub now"
    };
    let target = to.as_ref().map_or_else(
        || "the current configuration".to_owned(),
        |to| format!("the snapshot of {}", when(to.created_at)),
    );
    let body = move || {
        Suspend::new(async move {
            match diff.await {
                Ok(diff) => view! { <DiffView diff old_label="The snapshot" new_label /> }.into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not compare the snapshots" error on_retry=retry retrying />
                }
                .into_any(),
            }
        })
    };
    view! {
        <Modal title="Compare snapshots" on_close wide=true>
            <p class="small">{format!("From the snapshot of {} to {target}.", when(from.created_at))}</p>
            <Transition fallback=|| view! { <Loading label="Comparing…" /> } set_pending=reloading>
                {body}
            </Transition>
            <div class="modal__actions">
                <button type="button" class="button button--primary" on:click=move |_| on_close.run(())>
                    "Close"
                </button>
            </div>
        </Modal>
    }
}

/// A rollback: its preview first (what going back changes, against the hub as it is now),
/// then the confirmation, which names the state the preview was made on.
#[component]
pub fn RollbackDialog(snapshot: SnapshotSummary, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let workspace = use_workspace();
    let id = snapshot.id;
    let label = when(snapshot.created_at);
    let preview = Loader::new(move || async move {
        let dry_run = RollbackRequest {
            base_state: None,
            dry_run: true,
        };
        api.config_rollback(id, &dry_run).await
    });
    let reloading = RwSignal::new(false);
    let retrying = Signal::from(reloading);
    let rollback = LocalAction::new(move |base_state: &String| {
        let request = RollbackRequest {
            base_state: Some(base_state.clone()),
            dry_run: false,
        };
        async move { api.config_rollback(id, &request).await }
    });
    effect(move || {
        if let Some(Ok(outcome)) = rollback.value().get() {
            rollback.value().set(None);
            on_close.run(());
            workspace.finished("Rolled back", outcome);
        }
    });
    let preview_again = Callback::new(move |()| {
        rollback.value().set(None);
        preview.refetch();
    });
    let pending = rollback.pending();
    let failure = move || rollback.value().get().and_then(Result::err);
    let dirty = workspace.dirty();
    let body = move || {
        Suspend::new(async move {
            match preview.await {
                Ok(outcome) => {
                    let deletions = describe::deletions(&outcome.diff.changes);
                    let danger = !deletions.is_empty();
                    let base_state = outcome.diff.base_state.clone();
                    let deleted = danger.then(|| {
                        view! {
                            <div class="alert alert--error">
                                <IconSvg icon=Icon::Alert />
                                <p>
                                    {format!(
                                        "It deletes {}: {}.",
                                        count(deletions.len(), "entity", "entities"),
                                        deletions.join(", "),
                                    )}
                                </p>
                            </div>
                        }
                    });
                    view! {
                        <DiffView diff=outcome.diff old_label="The hub now" new_label="The snapshot" console=true />
                        {deleted}
                        {dirty
                            .then(|| {
                                view! {
                                    <p class="muted small">
                                        "The editor then shows the restored configuration: its unapplied edits are dropped."
                                    </p>
                                }
                            })}
                        {move || {
                            failure()
                                .map(|error| match error.status() {
                                    Some(409) => view! {
                                        <div class="alert alert--warning" role="alert" data-testid="rollback-conflict">
                                            <IconSvg icon=Icon::Alert />
                                            <div>
                                                <p>
                                                    "The hub's configuration changed since this preview. Nothing was rolled back: look at the new preview first."
                                                </p>
                                                <button
                                                    type="button"
                                                    class="button button--secondary button--small"
                                                    on:click=move |_| preview_again.run(())
                                                >
                                                    "Preview again"
                                                </button>
                                            </div>
                                        </div>
                                    }
                                    .into_any(),
                                    Some(403) => view! {
                                        <p class="inline-error" role="alert">{forbidden("roll back", &error)}</p>
                                    }
                                    .into_any(),
                                    _ => view! { <p class="inline-error" role="alert">{format!("Could not roll back: {error}")}</p> }.into_any(),
                                })
                        }}
                        <div class="modal__actions">
                            <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>
                                "Cancel"
                            </button>
                            <button
                                type="button"
                                class="button button--primary"
                                class:button--danger=danger
                                disabled=move || pending.get()
                                aria-busy=move || pending.get().to_string()
                                on:click=move |_| {
                                    rollback.dispatch(base_state.clone());
                                }
                            >
                                <Show when=move || pending.get()>
                                    <span class="spinner spinner--small" aria-hidden="true"></span>
                                </Show>
                                "Roll back"
                            </button>
                        </div>
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not preview the rollback" error on_retry=preview_again retrying />
                }
                .into_any(),
            }
        })
    };
    view! {
        <Modal title="Roll back to this snapshot?" on_close role="alertdialog" wide=true>
            <p>
                {format!(
                    "The configuration goes back to the snapshot of {label} ({}). The rollback is a new snapshot: it can be undone the same way.",
                    about(&snapshot).trim_end_matches('.'),
                )}
            </p>
            <Transition fallback=|| view! { <Loading label="Previewing the rollback…" /> } set_pending=reloading>
                {body}
            </Transition>
        </Modal>
    }
}
