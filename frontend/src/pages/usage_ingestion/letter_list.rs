//! The refused events, most recently refused first: a table (cards on narrow screens) to
//! pick rows from for a replay, each with its payload and a "Discard".

use std::collections::BTreeSet;

use leptos::prelude::*;
use omni_types::Page;
use omni_types::usage::{DeadLetter, RejectReason, ReplayRequest};
use uuid::Uuid;

use super::reasons;
use crate::api::ApiError;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::modal::ConfirmDialog;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction, Show, effect};
use crate::state::use_api;

/// `reason`: the filter the page was loaded with. Replays go up to `on_replay` (the
/// section reloads the list after one).
#[component]
pub fn LetterList(
    reason: Option<RejectReason>,
    first: Page<DeadLetter>,
    can_manage: Memo<bool>,
    replaying: Memo<bool>,
    on_replay: Callback<ReplayRequest>,
    on_clear: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let letters = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let cursor = cursor.clone();
        async move {
            let page = api.dead_letters(reason, Some(cursor)).await?;
            letters.try_update(|letters| letters.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    let selected = RwSignal::new(BTreeSet::<Uuid>::new());
    let empty = move || letters.with(Vec::is_empty) && next.with(Option::is_none);

    let discarding = RwSignal::new(None::<DeadLetter>);
    let discard = LocalAction::new(move |id: &Uuid| {
        let id = *id;
        async move { api.dead_letter_discard(id).await.map(|()| id) }
    });
    effect(move || {
        if let Some(Ok(id)) = discard.value().get() {
            discard.value().set(None);
            discarding.set(None);
            letters.update(|letters| letters.retain(|l| l.id != id));
            selected.update(|chosen| {
                chosen.remove(&id);
            });
        }
    });
    let discard_error = Signal::derive(move || discard.value().get().and_then(Result::err));
    let confirm = move || {
        discarding.get().map(|letter| {
            let id = letter.id;
            view! {
                <ConfirmDialog
                    title="Discard this refused event?"
                    message=format!(
                        "The event {} ({}) will never be counted. This cannot be undone.",
                        event_name(&letter),
                        reasons::label(letter.reason).to_lowercase(),
                    )
                    confirm_label="Discard event"
                    danger=true
                    pending=discard.pending()
                    error=discard_error
                    on_confirm=Callback::new(move |()| {
                        discard.dispatch(id);
                    })
                    on_close=Callback::new(move |()| {
                        discard.value().set(None);
                        discarding.set(None);
                    })
                />
            }
        })
    };

    let all_selected = move || {
        letters.with(|letters| {
            !letters.is_empty() && selected.with(|chosen| letters.iter().all(|l| chosen.contains(&l.id)))
        })
    };
    let toggle_all = move |on: bool| {
        let ids: Vec<Uuid> = letters.with(|letters| letters.iter().map(|l| l.id).collect());
        selected.update(|chosen| {
            if on {
                chosen.extend(ids);
            } else {
                chosen.clear();
            }
        });
    };
    let replay_selected = move |_| {
        let ids: Vec<Uuid> = selected.get_untracked().into_iter().collect();
        if !ids.is_empty() {
            on_replay.run(ReplayRequest {
                ids: Some(ids),
                reason: None,
            });
        }
    };
    let replay_reason = move |_| {
        on_replay.run(ReplayRequest { ids: None, reason });
    };
    let count = move || selected.with(BTreeSet::len);
    let on_discard = Callback::new(move |letter| discarding.set(Some(letter)));

    view! {
        <Show when=move || !empty() fallback=move || view! { <NoLetters reason on_clear /> }>
            <Show when=move || can_manage.get()>
                <div class="usage-toolbar" role="group" aria-label="Replay">
                    <button
                        type="button"
                        class="button button--primary"
                        disabled=move || count() == 0 || replaying.get()
                        aria-busy=move || replaying.get().to_string()
                        on:click=replay_selected
                    >
                        <Show when=move || replaying.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        "Replay selected"
                    </button>
                    {reason
                        .map(|_| {
                            view! {
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    disabled=move || replaying.get()
                                    on:click=replay_reason
                                >
                                    "Replay all with this reason"
                                </button>
                            }
                        })}
                    <span class="muted small" role="status">
                        {move || match count() {
                            0 => "Select events to replay them.".to_owned(),
                            1 => "1 event selected.".to_owned(),
                            n => format!("{n} events selected."),
                        }}
                    </span>
                </div>
            </Show>
            <table class="settings-table letters-table" role="table">
                <caption class="visually-hidden">"Refused events, most recently refused first"</caption>
                <thead role="rowgroup">
                    <tr role="row">
                        <Show when=move || can_manage.get()>
                            <th scope="col" role="columnheader" class="letters-table__select">
                                <input
                                    type="checkbox"
                                    aria-label="Select every event shown"
                                    prop:checked=all_selected
                                    on:change=move |ev| toggle_all(event_target_checked(&ev))
                                />
                            </th>
                        </Show>
                        <th scope="col" role="columnheader">"Reason"</th>
                        <th scope="col" role="columnheader">"Detail"</th>
                        <th scope="col" role="columnheader">"Event"</th>
                        <th scope="col" role="columnheader">"Attempts"</th>
                        <th scope="col" role="columnheader">"Refused"</th>
                        <Show when=move || can_manage.get()>
                            <th scope="col" role="columnheader">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </Show>
                    </tr>
                </thead>
                <tbody role="rowgroup">
                    <Keyed
                        each=move || letters.get()
                        key=|letter| (letter.id, letter.attempts)
                        children=move |letter| view! { <LetterRow letter selected can_manage on_discard /> }
                    />
                </tbody>
            </table>
            <div class="settings-list__footer">
                <LoadMore next action=load_more what="refused events" />
            </div>
        </Show>
        {confirm}
    }
}

/// The event's id, or the dead letter's when the event had no readable one.
fn event_name(letter: &DeadLetter) -> String {
    letter.event_id.map_or_else(
        || format!("without an id (dead letter {})", letter.id),
        |id| id.to_string(),
    )
}

#[component]
fn LetterRow(
    letter: DeadLetter,
    selected: RwSignal<BTreeSet<Uuid>>,
    can_manage: Memo<bool>,
    on_discard: Callback<DeadLetter>,
) -> impl IntoView {
    let id = letter.id;
    let name = event_name(&letter);
    let payload = serde_json::to_string_pretty(&letter.payload).unwrap_or_else(|_| letter.payload.to_string());
    let kept = StoredValue::new(letter.clone());
    let select_label = format!("Select the event {name}");
    let discard_label = format!("Discard the event {name}");
    view! {
        <tr role="row" class="settings-row" data-testid="dead-letter-row">
            <Show when=move || can_manage.get()>
                <td role="cell" class="letters-table__select" data-label="Select">
                    <input
                        type="checkbox"
                        aria-label=select_label.clone()
                        prop:checked=move || selected.with(|chosen| chosen.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|chosen| {
                                if on {
                                    chosen.insert(id);
                                } else {
                                    chosen.remove(&id);
                                }
                            });
                        }
                    />
                </td>
            </Show>
            <td role="cell" data-label="Reason">
                <span class="status-badge status-badge--danger" data-testid="dead-letter-reason">
                    {reasons::label(letter.reason)}
                </span>
            </td>
            <td role="cell" data-label="Detail">
                // One child: on narrow screens a cell is a grid of its label and its content.
                <div>
                    <span>{letter.detail.clone()}</span>
                    <details class="letters-table__payload">
                        <summary>"Payload"</summary>
                        <pre class="mono small">{payload}</pre>
                    </details>
                </div>
            </td>
            <td role="cell" data-label="Event">
                {match letter.event_id {
                    Some(event) => view! { <code>{event.to_string()}</code> }.into_any(),
                    None => view! { <span class="muted">"No id"</span> }.into_any(),
                }}
            </td>
            <td role="cell" data-label="Attempts">{letter.attempts}</td>
            <td role="cell" data-label="Refused">
                <div>
                    <span class="block">"Last " <LocalTime at=letter.last_seen_at /></span>
                    <span class="muted small block">"First " <LocalTime at=letter.first_seen_at /></span>
                </div>
            </td>
            <Show when=move || can_manage.get()>
                <td role="cell" class="settings-row__actions">
                    <button
                        type="button"
                        class="button button--ghost button--small button--danger-text"
                        aria-label=discard_label.clone()
                        on:click=move |_| on_discard.run(kept.get_value())
                    >
                        "Discard"
                    </button>
                </td>
            </Show>
        </tr>
    }
}

/// Nothing refused (with this reason, when narrowed).
#[component]
fn NoLetters(reason: Option<RejectReason>, on_clear: Callback<()>) -> impl IntoView {
    match reason {
        None => view! {
            <div class="empty-state" data-testid="no-dead-letters">
                <h3 class="empty-state__title">"No refused events"</h3>
                <p class="muted">"Every usage event the hub sent has been counted."</p>
            </div>
        }
        .into_any(),
        Some(reason) => view! {
            <div class="empty-state" data-testid="no-dead-letters">
                <h3 class="empty-state__title">
                    {format!("No events refused as “{}”", reasons::label(reason).to_lowercase())}
                </h3>
                <p class="muted">"Nothing waits to be replayed for this reason."</p>
                <button type="button" class="button button--secondary" on:click=move |_| on_clear.run(())>
                    "Show every reason"
                </button>
            </div>
        }
        .into_any(),
    }
}

#[component]
pub fn LettersSkeleton() -> impl IntoView {
    let rows = (0..3)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="18%" />
                    <SkeletonLine width="34%" />
                    <SkeletonLine width="24%" />
                    <SkeletonLine width="14%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the refused events…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
