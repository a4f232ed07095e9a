//! When the users call: calls by weekday and hour of day, in the admin's time zone.

use chrono::{Duration, TimeZone, Utc};
use leptos::prelude::*;
use omni_types::analytics::Heatmap;

use super::Data;
use super::section::{NO_USAGE_HINT, Section, failure};
use crate::api::{AnalyticsView, ApiError};
use crate::components::charts::heatmap::HeatmapChart;
use crate::components::empty_state::NoUsage;
use crate::components::local_time::TimeFormat;

/// The cells' counts, Monday's 24 hours first.
pub fn grid(heatmap: &Heatmap) -> Vec<f64> {
    let mut values = vec![0.0; 7 * 24];
    for cell in &heatmap.cells {
        if let Some(value) = values.get_mut(usize::from(cell.weekday) * 24 + usize::from(cell.hour)) {
            *value += cell.calls as f64;
        }
    }
    values
}

/// Monday to Sunday, in the admin's language.
fn weekdays() -> Vec<String> {
    let format = TimeFormat::new(&[("weekday", "short"), ("timeZone", "UTC")]);
    // 1 January 2024 was a Monday.
    let monday = Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap();
    (0..7).map(|d| format.format(monday + Duration::days(d))).collect()
}

#[component]
pub fn ActivityHeatmap(heatmap: Result<Heatmap, ApiError>, data: Data) -> impl IntoView {
    let body = match heatmap {
        Ok(heatmap) if heatmap.cells.iter().all(|c| c.calls == 0) => {
            view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any()
        }
        Ok(heatmap) => {
            let hours = (0..24).map(|h| format!("{h:02}:00")).collect();
            view! {
                <HeatmapChart
                    label="Calls by weekday and hour".to_owned()
                    rows=weekdays()
                    columns=hours
                    column_ticks=(0..24).step_by(3).collect()
                    values=grid(&heatmap)
                    what="calls"
                />
            }
            .into_any()
        }
        Err(error) => failure(error, "Could not load the activity heatmap", data.retry),
    };
    view! {
        <Section
            id="analytics-heatmap"
            title="User activity"
            summary="Calls by weekday and hour of day, in your time zone."
            export=AnalyticsView::Heatmap
            query=data.query
        >
            {body}
        </Section>
    }
}

#[cfg(test)]
mod tests {
    use omni_types::analytics::{Bucket, HeatCell, Scope};

    use super::*;

    #[test]
    fn cells_land_by_weekday_and_hour() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let heatmap = Heatmap {
            scope: Scope {
                from: at,
                to: at,
                bucket: Bucket::Hour,
                tz: "UTC".into(),
                organization: None,
                server: None,
                user: None,
                tool: None,
            },
            cells: vec![
                HeatCell {
                    weekday: 0,
                    hour: 0,
                    calls: 2,
                },
                HeatCell {
                    weekday: 6,
                    hour: 23,
                    calls: 5,
                },
                HeatCell {
                    weekday: 9,
                    hour: 1,
                    calls: 7,
                },
            ],
        };
        let values = grid(&heatmap);
        assert_eq!(values.len(), 168);
        assert_eq!((values[0], values[167]), (2.0, 5.0));
        assert_eq!(values.iter().sum::<f64>(), 7.0);
    }
}
