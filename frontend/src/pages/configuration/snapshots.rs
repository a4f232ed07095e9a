//! The snapshots timeline (SPEC CFG-5): every apply and rollback, newest first, with who,
//! when, from where and what it changed. Each can be viewed, compared (with the current
//! configuration or with another snapshot) and rolled back to.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use omni_types::config::SnapshotSummary;
use omni_types::{Page, Permission};
use uuid::Uuid;

use super::describe::{self, source_label};
use super::dialogs::{CompareDialog, RollbackDialog, ViewDialog};
use super::use_workspace;
use crate::api::ApiError;
use crate::components::error_panel::load_failure;
use crate::components::load_more::LoadMore;
use crate::components::local_time::{LocalTime, TimeFormat};
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction, Show, Transition, memo};
use crate::state::use_api;

#[component]
pub fn SnapshotsSection() -> impl IntoView {
    let workspace = use_workspace();
    let reloading = RwSignal::new(false);
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| workspace.snapshots.refetch());
    let body = move || {
        Suspend::new(async move {
            match workspace.snapshots.await {
                Ok(first) => view! { <Timeline first /> }.into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::ConfigRead,
                    "Could not load the snapshots",
                    retry,
                    retrying,
                ),
            }
        })
    };
    view! {
        <section
            class="card config-section"
            aria-labelledby="config-snapshots-title"
            aria-busy=move || reloading.get().to_string()
            data-testid="config-snapshots"
        >
            <div class="config-section__head">
                <h2 id="config-snapshots-title">"Snapshots"</h2>
                <p class="muted small">
                    "Every apply and rollback keeps the document it left the hub in, newest first. A rollback is a snapshot too, so it can be undone the same way."
                </p>
            </div>
            <Transition fallback=SnapshotsSkeleton set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

/// A dialog the timeline opened.
#[derive(Clone)]
enum Open {
    View(SnapshotSummary),
    /// From the first to the second, or to the current configuration.
    Compare(SnapshotSummary, Option<SnapshotSummary>),
    Rollback(SnapshotSummary),
}

/// The local date and time of a snapshot, for labels and titles.
pub fn when(at: DateTime<Utc>) -> String {
    TimeFormat::new(&[("dateStyle", "medium"), ("timeStyle", "short")]).format(at)
}

#[component]
fn Timeline(first: Page<SnapshotSummary>) -> impl IntoView {
    let api = use_api();
    let workspace = use_workspace();
    let snapshots = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let cursor = cursor.clone();
        async move {
            let page = api.config_snapshots(Some(cursor)).await?;
            snapshots.try_update(|list| list.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    // Picked for a comparison, at most two, in the order picked.
    let picked = RwSignal::new(Vec::<SnapshotSummary>::new());
    let open = RwSignal::new(None::<Open>);
    let live_state = memo(move || workspace.status.get().and_then(Result::ok).map(|status| status.state));
    let empty = move || snapshots.with(Vec::is_empty) && next.with(Option::is_none);
    let close = Callback::new(move |()| open.set(None));
    let dialog = move || {
        open.get().map(|which| match which {
            Open::View(snapshot) => view! { <ViewDialog snapshot on_close=close /> }.into_any(),
            Open::Compare(from, to) => view! { <CompareDialog from to on_close=close /> }.into_any(),
            Open::Rollback(snapshot) => view! { <RollbackDialog snapshot on_close=close /> }.into_any(),
        })
    };
    let on_open = Callback::new(move |which: Open| open.set(Some(which)));
    view! {
        <Show when=move || !empty() fallback=NoSnapshots>
            <CompareBar picked on_open />
            <ol class="timeline" aria-label="Snapshots, newest first">
                <Keyed
                    each=move || snapshots.get()
                    key=|snapshot| snapshot.id
                    children=move |snapshot| {
                        let rolled_back_to = snapshot
                            .rolled_back_to
                            .map(|id| snapshots.with_untracked(|list| target_label(list, id)));
                        view! { <SnapshotItem snapshot rolled_back_to picked live_state on_open /> }
                    }
                />
            </ol>
            <div class="settings-list__footer">
                <LoadMore next action=load_more what="snapshots" />
            </div>
        </Show>
        {dialog}
    }
}

/// What a rollback went back to: the snapshot's time when it is on the page, else its id.
fn target_label(list: &[SnapshotSummary], id: Uuid) -> String {
    list.iter().find(|s| s.id == id).map_or_else(
        || format!("snapshot {id}"),
        |s| format!("the snapshot of {}", when(s.created_at)),
    )
}

/// The comparison the picked snapshots make.
#[component]
fn CompareBar(picked: RwSignal<Vec<SnapshotSummary>>, on_open: Callback<Open>) -> impl IntoView {
    let compare = move |_| {
        let mut chosen = picked.get_untracked();
        chosen.sort_by_key(|s| s.created_at);
        let mut chosen = chosen.into_iter();
        if let Some(older) = chosen.next() {
            on_open.run(Open::Compare(older, chosen.next()));
        }
    };
    let n = move || picked.with(Vec::len);
    view! {
        <div class="compare-bar" role="group" aria-label="Compare snapshots">
            <span class="muted small" role="status">
                {move || match n() {
                    0 => "Pick a snapshot to compare it with the current configuration, or two to compare them.",
                    1 => "1 snapshot picked: compare it with the current configuration, or pick another.",
                    _ => "2 snapshots picked.",
                }}
            </span>
            <Show when=move || { n() > 0 }>
                <button type="button" class="button button--secondary button--small" on:click=compare>
                    {move || if n() == 1 { "Compare with current" } else { "Compare the two" }}
                </button>
                <button type="button" class="button button--ghost button--small" on:click=move |_| picked.set(Vec::new())>
                    "Clear"
                </button>
            </Show>
        </div>
    }
}

#[component]
fn SnapshotItem(
    snapshot: SnapshotSummary,
    rolled_back_to: Option<String>,
    picked: RwSignal<Vec<SnapshotSummary>>,
    live_state: Memo<Option<String>>,
    on_open: Callback<Open>,
) -> impl IntoView {
    let workspace = use_workspace();
    let id = snapshot.id;
    let label = when(snapshot.created_at);
    let state = snapshot.state.clone();
    let is_live = move || live_state.with(|live| live.as_deref() == Some(state.as_str()));
    let is_picked = move || picked.with(|list| list.iter().any(|s| s.id == id));
    let kept = StoredValue::new(snapshot.clone());
    let toggle = move |on: bool| {
        picked.update(|list| {
            list.retain(|s| s.id != id);
            if on {
                list.push(kept.get_value());
                // Two at most: a third pick replaces the oldest pick.
                if list.len() > 2 {
                    list.remove(0);
                }
            }
        });
    };
    let source = snapshot.source;
    view! {
        <li class="timeline__item" data-testid="snapshot">
            <div class="timeline__head">
                <span class=format!("source-badge source-badge--{}", source.as_str()) data-testid="snapshot-source">
                    {source_label(source)}
                </span>
                <strong>
                    <LocalTime at=snapshot.created_at />
                </strong>
                <span class="muted">{format!("by {}", snapshot.actor.label)}</span>
                <Show when=is_live>
                    <span class="status-badge status-badge--ok">"Live"</span>
                </Show>
            </div>
            <p class="timeline__summary" data-testid="snapshot-summary">
                {describe::summary(&snapshot.summary)}
            </p>
            {snapshot
                .message
                .map(|message| view! { <p class="timeline__message">{format!("“{message}”")}</p> })}
            {rolled_back_to.map(|target| view! { <p class="muted small">{format!("Rolled back to {target}.")}</p> })}
            <div class="timeline__actions">
                <button
                    type="button"
                    class="button button--ghost button--small"
                    aria-label=format!("View the snapshot of {label}")
                    on:click=move |_| on_open.run(Open::View(kept.get_value()))
                >
                    "View"
                </button>
                <label class="check-label">
                    <input
                        type="checkbox"
                        prop:checked=is_picked
                        aria-label=format!("Pick the snapshot of {label} to compare")
                        on:change=move |ev| toggle(event_target_checked(&ev))
                    />
                    "Compare"
                </label>
                <Show when=move || workspace.can_write.get()>
                    <button
                        type="button"
                        class="button button--ghost button--small button--danger-text"
                        aria-label=format!("Roll back to the snapshot of {label}")
                        on:click=move |_| on_open.run(Open::Rollback(kept.get_value()))
                    >
                        "Roll back…"
                    </button>
                </Show>
            </div>
        </li>
    }
}

#[component]
fn NoSnapshots() -> impl IntoView {
    view! {
        <div class="empty-state" data-testid="no-snapshots">
            <h3 class="empty-state__title">"No snapshots yet"</h3>
            <p class="muted">"The first apply of a document, here or with the CLI, takes the first one."</p>
        </div>
    }
}

#[component]
fn SnapshotsSkeleton() -> impl IntoView {
    let rows = (0..3)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="12%" />
                    <SkeletonLine width="30%" />
                    <SkeletonLine width="40%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the snapshots…">
            <div class="settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
