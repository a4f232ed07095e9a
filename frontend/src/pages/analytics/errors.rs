//! Errors by type: over time (the most frequent types as lines, the rest together) and
//! in all, with the range's error rate.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use omni_types::analytics::{Errors, Series};

use super::Data;
use super::section::{NO_USAGE_HINT, Section, failure};
use crate::api::{AnalyticsView, ApiError};
use crate::components::charts::line::{Line, LineChart};
use crate::components::charts::{Unit, time};
use crate::components::empty_state::NoUsage;

/// Types drawn as lines of their own; the others share one.
const LINES: usize = 5;

/// One line per frequent type over `starts` (oldest first; buckets without errors are
/// 0), and one for the other types if there are any.
pub fn error_lines(errors: &Errors, starts: &[DateTime<Utc>]) -> Vec<Line> {
    let mut lines: Vec<Line> = errors
        .by_type
        .iter()
        .take(LINES)
        .map(|total| Line {
            name: total.error_type.clone(),
            values: vec![Some(0.0); starts.len()],
        })
        .collect();
    let mut others = Line {
        name: "Other types".to_owned(),
        values: vec![Some(0.0); starts.len()],
    };
    for point in &errors.points {
        let Ok(i) = starts.binary_search(&point.start) else {
            continue;
        };
        let line = match lines.iter_mut().find(|line| line.name == point.error_type) {
            Some(line) => line,
            None => &mut others,
        };
        if let Some(Some(value)) = line.values.get_mut(i) {
            *value += point.errors as f64;
        }
    }
    if errors.by_type.len() > LINES {
        lines.push(others);
    }
    lines
}

#[component]
pub fn ErrorsByType(errors: Result<Errors, ApiError>, series: Result<Series, ApiError>, data: Data) -> impl IntoView {
    // The series gives the buckets, empty ones included, for the time axis.
    let body = match (errors, series) {
        (Ok(errors), Ok(series)) => view! { <ErrorsView errors series /> }.into_any(),
        (Err(error), _) | (_, Err(error)) => failure(error, "Could not load the errors", data.retry),
    };
    view! {
        <Section
            id="analytics-errors"
            title="Errors by type"
            summary="Failed tool calls, by what went wrong."
            export=AnalyticsView::Errors
            query=data.query
        >
            {body}
        </Section>
    }
}

#[component]
fn ErrorsView(errors: Errors, series: Series) -> impl IntoView {
    let calls: i64 = series.points.iter().map(|p| p.measures.calls).sum();
    if calls == 0 {
        return view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any();
    }
    let failed: i64 = errors.by_type.iter().map(|t| t.errors).sum();
    if failed == 0 {
        return view! {
            <NoUsage title="No errors in this range" hint="Every tool call in the range succeeded." />
        }
        .into_any();
    }
    let starts: Vec<_> = series.points.iter().map(|p| p.start).collect();
    let (points, ticks) = time::axis(&starts, series.scope.bucket);
    let lines = error_lines(&errors, &starts);
    let totals = errors
        .by_type
        .iter()
        .map(|total| {
            view! {
                <li>
                    <code>{total.error_type.clone()}</code>
                    <span>{Unit::Count.full(total.errors as f64)}</span>
                    <span class="muted small">{Unit::Ratio.full(total.errors as f64 / failed as f64)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="analytics-errors__rate" data-testid="errors-summary">
            {format!(
                "{} errors in {} calls ({}).",
                Unit::Count.full(failed as f64),
                Unit::Count.full(calls as f64),
                Unit::Ratio.full(failed as f64 / calls as f64)
            )}
        </p>
        <LineChart label="Errors by type over time".to_owned() points ticks lines unit=Unit::Count />
        <ul class="analytics-errors__totals" aria-label="Errors by type in all">{totals}</ul>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use omni_types::analytics::{Bucket, ErrorPoint, ErrorTotal, Scope};

    use super::*;

    #[test]
    fn frequent_types_get_lines_and_the_rest_share_one() {
        let hour = |h| Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).unwrap();
        let starts = [hour(0), hour(1), hour(2)];
        let types = [
            "timeout",
            "tool_error",
            "auth",
            "rate_limit",
            "network",
            "parse",
            "other",
        ];
        let errors = Errors {
            scope: Scope {
                from: hour(0),
                to: hour(3),
                bucket: Bucket::Hour,
                tz: "UTC".into(),
                organization: None,
                server: None,
                user: None,
                tool: None,
            },
            by_type: types
                .iter()
                .map(|t| ErrorTotal {
                    error_type: (*t).into(),
                    errors: 1,
                })
                .collect(),
            points: vec![
                ErrorPoint {
                    start: hour(1),
                    error_type: "timeout".into(),
                    errors: 3,
                },
                ErrorPoint {
                    start: hour(2),
                    error_type: "parse".into(),
                    errors: 2,
                },
                ErrorPoint {
                    start: hour(2),
                    error_type: "other".into(),
                    errors: 1,
                },
            ],
        };
        let lines = error_lines(&errors, &starts);
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0].name, "timeout");
        assert_eq!(lines[0].values, [Some(0.0), Some(3.0), Some(0.0)]);
        assert_eq!(lines[5].name, "Other types");
        assert_eq!(lines[5].values, [Some(0.0), Some(0.0), Some(3.0)]);
    }
}
