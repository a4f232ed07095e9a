//! A server's health history: a latency sparkline of the recent checks and the list of
//! them, each with its error in full.

use leptos::prelude::*;
use omni_types::mcp::{HealthCheck, HealthSource, HealthStatus};
use uuid::Uuid;

use super::status::{HealthBadge, latency};
use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, Loader, LocalAction, Transition};
use crate::state::use_api;

#[component]
pub fn HealthHistory(id: Uuid, version: Signal<u32>) -> impl IntoView {
    let api = use_api();
    let history = Loader::new(move || {
        version.track();
        async move { api.mcp_server_history(id, None).await }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| history.refetch());
    let body = move || {
        Suspend::new(async move {
            match history.await {
                Ok(first) if first.items.is_empty() => view! {
                    <p class="muted">"No checks yet. The first one runs shortly after the server is added, or use “Check now”."</p>
                }
                .into_any(),
                Ok(first) => {
                    let checks = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let cursor = cursor.clone();
                        async move {
                            let page = api.mcp_server_history(id, Some(cursor)).await?;
                            checks.try_update(|c| c.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <Sparkline checks=checks.into() />
                        <ol class="health-list" aria-label="Health checks, newest first">
                            <Keyed each=move || checks.get() key=|c| c.id children=move |check| view! { <CheckRow check /> } />
                        </ol>
                        <LoadMore next action=load_more what="checks" />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the health history" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="mcp-health-title" aria-busy=move || reloading.get().to_string()>
            <h2 id="mcp-health-title" class="card__title">"Health history"</h2>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the health history…"><SkeletonLine tall=true /><SkeletonLine width="80%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

#[component]
fn CheckRow(check: HealthCheck) -> impl IntoView {
    let source = match check.source {
        HealthSource::Check => "Check",
        HealthSource::Report => "Hub report",
    };
    view! {
        <li class="health-list__item">
            <div class="health-list__head">
                <HealthBadge status=Signal::stored(check.status) />
                <span>{latency(check.latency_ms)}</span>
                <span class="muted small">{source}</span>
                <span class="muted small"><LocalTime at=check.checked_at /></span>
            </div>
            {check.error.map(|error| view! { <pre class="mono small health-list__error">{error}</pre> })}
        </li>
    }
}

/// Latency of the shown checks, oldest left; failed checks are marked on the baseline.
#[component]
fn Sparkline(checks: Signal<Vec<HealthCheck>>) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const HEIGHT: f64 = 60.0;
    let shape = move || {
        let mut points: Vec<(Option<i32>, HealthStatus)> =
            checks.with(|c| c.iter().take(60).map(|c| (c.latency_ms, c.status)).collect());
        points.reverse();
        sparkline(&points, WIDTH, HEIGHT)
    };
    let summary = move || {
        checks.with(|c| {
            let latencies: Vec<i32> = c.iter().take(60).filter_map(|c| c.latency_ms).collect();
            let failed = c
                .iter()
                .take(60)
                .filter(|c| matches!(c.status, HealthStatus::Down | HealthStatus::AuthRequired))
                .count();
            match (latencies.iter().min(), latencies.iter().max()) {
                (Some(min), Some(max)) => format!(
                    "Latency of the last {} checks: {} to {}; {failed} failed.",
                    latencies.len(),
                    latency(Some(*min)),
                    latency(Some(*max))
                ),
                _ => "No latency measured yet.".to_owned(),
            }
        })
    };
    view! {
        <figure class="sparkline">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=summary>
                {move || {
                    let (line, failures) = shape();
                    view! {
                        <polyline class="sparkline__line" points=line fill="none" />
                        {failures.into_iter().map(|x| view! { <circle class="sparkline__fail" cx=x cy=HEIGHT - 3.0 r="3" /> }).collect_view()}
                    }
                }}
            </svg>
            <figcaption class="muted small">{summary}</figcaption>
        </figure>
    }
}

/// The polyline's points and the x of each failed check.
fn sparkline(points: &[(Option<i32>, HealthStatus)], width: f64, height: f64) -> (String, Vec<f64>) {
    let max = points.iter().filter_map(|(l, _)| *l).max().unwrap_or(1).max(1) as f64;
    let step = if points.len() > 1 {
        width / (points.len() - 1) as f64
    } else {
        0.0
    };
    let mut line = Vec::new();
    let mut failures = Vec::new();
    for (i, (ms, status)) in points.iter().enumerate() {
        let x = i as f64 * step;
        if matches!(status, HealthStatus::Down | HealthStatus::AuthRequired) {
            failures.push(x);
        }
        if let Some(ms) = ms {
            let y = height - 6.0 - (f64::from(*ms) / max) * (height - 12.0);
            line.push(format!("{x:.1},{y:.1}"));
        }
    }
    (line.join(" "), failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_check_touches_the_top() {
        let (line, failures) = sparkline(
            &[
                (Some(10), HealthStatus::Up),
                (Some(20), HealthStatus::Up),
                (None, HealthStatus::Down),
            ],
            100.0,
            60.0,
        );
        assert_eq!(line, "0.0,30.0 50.0,6.0");
        assert_eq!(failures, [100.0]);
    }
}
