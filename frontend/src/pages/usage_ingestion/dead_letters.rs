//! The refused events (dead letters): narrowed by reason, replayed once the cause is
//! fixed, with what the last replay came to.

use leptos::prelude::*;
use omni_types::Permission;
use omni_types::usage::{RejectReason, ReplayReport, ReplayRequest};

use super::letter_list::{LetterList, LettersSkeleton};
use super::reasons;
use super::use_holds;
use crate::components::error_panel::load_failure;
use crate::reactive::{Loader, LocalAction, Transition, effect};
use crate::state::use_api;

#[component]
pub fn DeadLetters() -> impl IntoView {
    let api = use_api();
    let can_manage = use_holds(Permission::EventsManage);
    let reason = RwSignal::new(None::<RejectReason>);
    let letters = Loader::new(move || {
        let reason = reason.get();
        async move { api.dead_letters(reason, None).await.map(|page| (reason, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| letters.refetch());

    let report = RwSignal::new(None::<ReplayReport>);
    let replay = LocalAction::new(move |which: &ReplayRequest| {
        let which = which.clone();
        async move { api.dead_letters_replay(&which).await }
    });
    effect(move || {
        if let Some(Ok(done)) = replay.value().get() {
            replay.value().set(None);
            report.set(Some(done));
            letters.refetch();
        }
    });
    let replay_failure = move || replay.value().get().and_then(Result::err);
    let on_replay = Callback::new(move |which: ReplayRequest| {
        report.set(None);
        replay.dispatch(which);
    });

    let list = move || {
        Suspend::new(async move {
            match letters.await {
                Ok((applied, first)) => view! {
                    <LetterList
                        reason=applied
                        first
                        can_manage
                        replaying=replay.pending()
                        on_replay
                        on_clear=Callback::new(move |()| reason.set(None))
                    />
                }
                .into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::TelemetryRead,
                    "Could not load the refused events",
                    reload,
                    reloading,
                ),
            }
        })
    };

    view! {
        <section class="usage-section" aria-labelledby="dead-letters-title" data-testid="dead-letters">
            <div class="usage-section__head">
                <h2 id="dead-letters-title">"Refused events"</h2>
                <p class="muted">
                    "Events the hub sent that were refused, kept here with the reason. Fix the cause (create the user, activate the organization…), then replay them."
                </p>
            </div>
            <div class="usage-filter">
                <div class="field">
                    <label class="field__label" for="dead-letters-reason">"Reason"</label>
                    <select
                        id="dead-letters-reason"
                        class="input"
                        on:change=move |ev| {
                            report.set(None);
                            reason.set(reasons::parse(&event_target_value(&ev)));
                        }
                    >
                        <option value="" selected=move || reason.get().is_none()>"Any reason"</option>
                        {RejectReason::ALL
                            .iter()
                            .map(|r| {
                                let r = *r;
                                view! {
                                    <option value=r.as_str() selected=move || reason.get() == Some(r)>
                                        {reasons::label(r)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                {move || reason.get().map(|r| view! { <p class="muted small usage-filter__remedy">{reasons::remedy(r)}</p> })}
            </div>
            {move || report.get().map(|report| view! { <ReplayOutcome report /> })}
            {move || {
                replay_failure()
                    .map(|e| view! { <p class="inline-error" role="alert">{format!("Could not replay: {e}")}</p> })
            }}
            <div class="settings-list" aria-busy=move || reloading.get().to_string()>
                <Transition fallback=LettersSkeleton set_pending=reloading>
                    {list}
                </Transition>
            </div>
        </section>
    }
}

/// What the last replay came to. Those counted (or found counted already) are gone from
/// the list; the others stay, with their latest reason.
#[component]
fn ReplayOutcome(report: ReplayReport) -> impl IntoView {
    let (class, text) = outcome_text(&report);
    view! {
        <p class=format!("alert {class}") role="status" data-testid="replay-report">
            {text}
        </p>
    }
}

fn outcome_text(report: &ReplayReport) -> (&'static str, String) {
    if report.replayed == 0 {
        return (
            "alert--info",
            "Nothing was replayed: no refused event matched.".to_owned(),
        );
    }
    let events = match report.replayed {
        1 => "1 event".to_owned(),
        n => format!("{n} events"),
    };
    let duplicates = match report.duplicates {
        1 => "1 duplicate".to_owned(),
        n => format!("{n} duplicates"),
    };
    let counts = format!(
        "{} accepted, {duplicates}, {} still refused",
        report.accepted, report.still_rejected
    );
    if report.still_rejected == 0 {
        ("alert--success", format!("Replayed {events}: {counts}."))
    } else {
        (
            "alert--warning",
            format!("Replayed {events}: {counts}. Those still refused stay in the list with their latest reason."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_reads_as_what_became_of_the_events() {
        let report = |replayed, accepted, duplicates, still_rejected| ReplayReport {
            replayed,
            accepted,
            duplicates,
            still_rejected,
        };
        assert_eq!(
            outcome_text(&report(1, 1, 0, 0)),
            (
                "alert--success",
                "Replayed 1 event: 1 accepted, 0 duplicates, 0 still refused.".to_owned()
            )
        );
        let (class, text) = outcome_text(&report(3, 1, 1, 1));
        assert_eq!(class, "alert--warning");
        assert!(text.starts_with("Replayed 3 events: 1 accepted, 1 duplicate, 1 still refused."));
        assert_eq!(outcome_text(&report(0, 0, 0, 0)).0, "alert--info");
    }
}
