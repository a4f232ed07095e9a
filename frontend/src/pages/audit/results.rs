//! The entries matching the applied filter: a table (cards on narrow screens), newest first,
//! with "Load more" for the next page.

use std::collections::HashSet;

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::Page;
use omni_types::audit::{AuditEntry, AuditFilter};
use uuid::Uuid;

use super::actor::Actor;
use super::is_target;
use super::tail::{self, TailFeed, merge_newest};
use crate::api::ApiError;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction, Show, memo};
use crate::realtime::Refetch;
use crate::state::use_api;

const ROW_HINT_ID: &str = "audit-row-hint";

/// The first page and the ones "Load more" appends; with the live tail on, entries
/// written since come in at the top. A new first page (new filter, retry) builds a new
/// list, so appended pages never outlive the filter they were loaded for.
#[component]
pub fn Results(
    filter: AuditFilter,
    first: Page<AuditEntry>,
    /// The live tail is on.
    tail: Signal<bool>,
    /// Opens an entry in the drawer.
    on_open: Callback<AuditEntry>,
    on_clear: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let filtered = filter != AuditFilter::default();
    let entries = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    // Entries the tail brought in, marked as new.
    let arrived = StoredValue::new(HashSet::<Uuid>::new());
    let tail_failed = RwSignal::new(None::<ApiError>);
    let newest = {
        let filter = filter.clone();
        Refetch::new(tail::PERIOD, move || {
            let filter = filter.clone();
            async move {
                match api.audit_list(&filter, None).await {
                    Ok(page) => {
                        tail_failed.try_set(None);
                        let mut cursor = next.try_get_untracked().flatten();
                        let added = entries.try_update(|shown| merge_newest(shown, &mut cursor, page, |e| e.id));
                        next.try_set(cursor);
                        arrived.try_update_value(|arrived| arrived.extend(added.into_iter().flatten()));
                    }
                    Err(e) => {
                        tail_failed.try_set(Some(e));
                    }
                }
            }
        })
    };
    let load_more = LocalAction::new(move |cursor: &String| {
        let (filter, cursor) = (filter.clone(), cursor.clone());
        async move {
            let page = api.audit_list(&filter, Some(cursor)).await?;
            entries.try_update(|entries| {
                // The tail may have brought some of them in already.
                for entry in page.items {
                    if !entries.iter().any(|e| e.id == entry.id) {
                        entries.push(entry);
                    }
                }
            });
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    let count = move || {
        let shown = entries.with(Vec::len);
        let noun = if shown == 1 { "entry" } else { "entries" };
        if next.with(Option::is_some) {
            format!("Showing the newest {shown} {noun}.")
        } else {
            format!("All {shown} matching {noun} shown.")
        }
    };
    let empty = memo(move || entries.with(Vec::is_empty));
    let list = move || {
        if empty.get() {
            return view! { <NoEntries filtered on_clear /> }.into_any();
        }
        view! {
            <div class="audit-results">
                <p id=ROW_HINT_ID class="muted small">
                    "Select an entry to see all its fields and what changed."
                </p>
                // Explicit roles: the narrow-screen card layout restyles the table, and some
                // browsers drop table semantics when its display changes.
                <table class="audit-table" role="table">
                    <caption class="visually-hidden">"Audit entries, newest first"</caption>
                    <thead role="rowgroup">
                        <tr role="row">
                            <th scope="col" role="columnheader">"Time"</th>
                            <th scope="col" role="columnheader">"Actor"</th>
                            <th scope="col" role="columnheader">"Action"</th>
                            <th scope="col" role="columnheader">"Resource"</th>
                            <th scope="col" role="columnheader">"IP address"</th>
                        </tr>
                    </thead>
                    <tbody role="rowgroup">
                        <Keyed
                            each=move || entries.get()
                            key=|entry| entry.id
                            children=move |entry| {
                                let fresh = arrived.with_value(|arrived| arrived.contains(&entry.id));
                                view! { <EntryRow entry fresh on_open /> }
                            }
                        />
                    </tbody>
                </table>
                <div class="audit-results__footer">
                    <p class="muted small" role="status">
                        {count}
                    </p>
                    <LoadMore next action=load_more what="entries" />
                </div>
            </div>
        }
        .into_any()
    };

    view! {
        <Show when=move || tail.get()>
            <TailFeed refetch=newest />
        </Show>
        {move || tail_failed.get().filter(|_| tail.get()).map(|e| view! {
            <p class="muted small" role="status">{format!("Live tail paused: {e}")}</p>
        })}
        {list}
    }
}

/// One entry. The whole row is the control: click it, or focus it and press Enter or Space.
#[component]
fn EntryRow(entry: AuditEntry, fresh: bool, on_open: Callback<AuditEntry>) -> impl IntoView {
    let row = NodeRef::<html::Tr>::new();
    let opened = StoredValue::new(entry.clone());
    let open = move || on_open.run(opened.get_value());
    // Space acts on release, as on a button: opening on press would move focus into the
    // drawer in time for the release to press its Close button.
    let on_key = move |ev: KeyboardEvent, released: bool| {
        let on_row = row.get_untracked().is_some_and(|row| is_target(&ev, &row));
        match ev.key().as_str() {
            "Enter" if on_row && !released => {
                ev.prevent_default();
                open();
            }
            " " if on_row => {
                // No page scroll on press.
                ev.prevent_default();
                if released {
                    open();
                }
            }
            _ => {}
        }
    };
    let ip = entry.ip.clone();
    view! {
        <tr
            class="audit-row"
            class:audit-row--new=fresh
            node_ref=row
            role="row"
            tabindex="0"
            aria-describedby=ROW_HINT_ID
            on:click=move |_| open()
            on:keydown=move |ev| on_key(ev, false)
            on:keyup=move |ev| on_key(ev, true)
        >
            <td role="cell" data-label="Time">
                <LocalTime at=entry.occurred_at />
            </td>
            <td role="cell" data-label="Actor">
                <Actor actor=entry.actor />
            </td>
            <td role="cell" data-label="Action">
                <code class="action-name">{dotted(&entry.action)}</code>
            </td>
            <td role="cell" data-label="Resource">
                <span class="resource">
                    <span>{entry.resource_type}</span>
                    {entry.resource_id.map(|id| view! { <code class="resource__id">{id}</code> })}
                </span>
            </td>
            <td role="cell" data-label="IP address">
                {match ip {
                    Some(ip) => view! { <code>{ip}</code> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

/// A dotted name that may wrap after its dots only (`auth.login.` / `failed`).
fn dotted(name: &str) -> impl IntoView + use<> {
    let parts: Vec<String> = name.split_inclusive('.').map(str::to_owned).collect();
    parts.into_iter().map(|part| view! { {part}<wbr /> }).collect_view()
}

#[component]
fn NoEntries(filtered: bool, on_clear: Callback<()>) -> impl IntoView {
    if filtered {
        view! {
            <div class="empty-state">
                <h2 class="empty-state__title">"No audit entries match these filters"</h2>
                <p class="muted">"Try a wider time range, a shorter action prefix, or fewer filters."</p>
                <button type="button" class="button button--secondary" on:click=move |_| on_clear.run(())>
                    "Clear filters"
                </button>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="empty-state">
                <h2 class="empty-state__title">"No audit entries yet"</h2>
                <p class="muted">"Sign-ins and every change made by an admin or an API token appear here."</p>
            </div>
        }
        .into_any()
    }
}

#[component]
pub fn ResultsSkeleton() -> impl IntoView {
    let rows = (0..6)
        .map(|_| {
            view! {
                <div class="audit-skeleton__row">
                    <SkeletonLine width="18%" />
                    <SkeletonLine width="26%" />
                    <SkeletonLine width="24%" />
                    <SkeletonLine width="16%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading audit entries…">
            <div class="card audit-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
