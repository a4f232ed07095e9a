//! Calls and cost over time, and latency percentiles over time, from the time series.

use leptos::prelude::*;
use omni_types::analytics::{Measures, Series};

use super::Data;
use super::section::{NO_USAGE_HINT, Section, failure};
use crate::api::{AnalyticsView, ApiError};
use crate::components::charts::line::{Line, LineChart};
use crate::components::charts::{Unit, time};
use crate::components::empty_state::NoUsage;

/// Each point's label and the axis labels, in the admin's zone.
fn axis(series: &Series) -> (Vec<String>, Vec<(usize, String)>) {
    let starts: Vec<_> = series.points.iter().map(|p| p.start).collect();
    time::axis(&starts, series.scope.bucket)
}

fn line(series: &Series, name: &str, value: fn(&Measures) -> Option<f64>) -> Line {
    Line {
        name: name.to_owned(),
        values: series.points.iter().map(|p| value(&p.measures)).collect(),
    }
}

fn has_calls(series: &Series) -> bool {
    series.points.iter().any(|p| p.measures.calls > 0)
}

#[component]
pub fn UsageOverTime(series: Result<Series, ApiError>, data: Data) -> impl IntoView {
    let body = match series {
        Ok(series) if !has_calls(&series) => view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any(),
        Ok(series) => {
            let (points, ticks) = axis(&series);
            let calls = line(&series, "Calls", |m| Some(m.calls as f64));
            let cost = line(&series, "Cost", |m| Some(m.cost_usd));
            view! {
                <div class="analytics-pair">
                    <div>
                        <h3 class="analytics-chart-title">"Calls"</h3>
                        <LineChart label="Calls over time".to_owned() points=points.clone() ticks=ticks.clone() lines=vec![calls] unit=Unit::Count area=true />
                    </div>
                    <div>
                        <h3 class="analytics-chart-title">"Cost"</h3>
                        <LineChart label="Cost over time".to_owned() points ticks lines=vec![cost] unit=Unit::Usd area=true />
                    </div>
                </div>
            }
            .into_any()
        }
        Err(error) => failure(error, "Could not load the calls and cost", data.retry),
    };
    view! {
        <Section
            id="analytics-usage"
            title="Calls and cost over time"
            summary="Per bucket, in your time zone."
            export=AnalyticsView::Timeseries
            query=data.query
            wide=true
        >
            {body}
        </Section>
    }
}

#[component]
pub fn Latency(series: Result<Series, ApiError>, data: Data) -> impl IntoView {
    let body = match series {
        Ok(series) if !has_calls(&series) => view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any(),
        Ok(series) => {
            let (points, ticks) = axis(&series);
            let lines = vec![
                line(&series, "p50", |m| m.p50_ms),
                line(&series, "p95", |m| m.p95_ms),
                line(&series, "p99", |m| m.p99_ms),
            ];
            view! { <LineChart label="Latency percentiles over time".to_owned() points ticks lines unit=Unit::Ms /> }
                .into_any()
        }
        Err(error) => failure(error, "Could not load the latency", data.retry),
    };
    view! {
        <Section
            id="analytics-latency"
            title="Latency"
            summary="Tool call latency: the median (p50), p95 and p99, per bucket."
            export=AnalyticsView::Timeseries
            query=data.query
        >
            {body}
        </Section>
    }
}
