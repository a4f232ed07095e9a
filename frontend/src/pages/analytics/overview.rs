//! The range's headline numbers, each against the range just before it, as long.

use leptos::prelude::*;
use omni_types::analytics::{Measures, Overview};

use super::Data;
use super::section::{NO_USAGE_HINT, Section, failure};
use super::url::{Preset, Range};
use crate::api::{AnalyticsView, ApiError};
use crate::components::charts::Unit;
use crate::components::empty_state::NoUsage;
use crate::components::stat_card::{Better, Delta, StatCard};

#[component]
pub fn OverviewCards(overview: Result<Overview, ApiError>, data: Data) -> impl IntoView {
    let body = match overview {
        Ok(overview) if overview.current.calls == 0 => view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any(),
        Ok(overview) => {
            let against = against(data.question.with_untracked(|q| q.range));
            view! { <Cards overview against /> }.into_any()
        }
        Err(error) => failure(error, "Could not load the overview", data.retry),
    };
    view! {
        <Section
            id="analytics-overview"
            title="Overview"
            summary="The range's totals, and how they moved against the period before."
            export=AnalyticsView::Overview
            query=data.query
            wide=true
        >
            {body}
        </Section>
    }
}

/// What the trends compare against.
fn against(range: Range) -> &'static str {
    match range {
        Range::Last(Preset::Day) => "the 24 h before",
        Range::Last(Preset::Week) => "the 7 days before",
        Range::Last(Preset::Month) => "the 30 days before",
        Range::Last(Preset::Quarter) => "the 90 days before",
        Range::Between { .. } => "the period before",
    }
}

#[component]
fn Cards(overview: Overview, against: &'static str) -> impl IntoView {
    let (now, before) = (&overview.current, &overview.previous);
    let card =
        |label: &'static str, measure: fn(&Measures) -> f64, unit: Unit, better: Better, testid: &'static str| {
            let (value, previous) = (measure(now), measure(before));
            view! {
                <StatCard
                    label
                    value=unit.full(value)
                    delta=Delta::between(value, previous)
                    previous=unit.full(previous)
                    against
                    better
                    testid
                />
            }
        };
    let users = overview.active_users as f64;
    let previous_users = overview.previous_active_users as f64;
    view! {
        <div class="stat-grid stat-grid--six">
            {card("Calls", |m| m.calls as f64, Unit::Count, Better::Higher, "overview-calls")}
            {card("Cost", |m| m.cost_usd, Unit::Usd, Better::Neither, "overview-cost")}
            {card("Error rate", |m| m.error_rate, Unit::Ratio, Better::Lower, "overview-error-rate")}
            {card("Latency p95", |m| m.p95_ms.unwrap_or(0.0), Unit::Ms, Better::Lower, "overview-p95")}
            <StatCard
                label="Active users"
                value=Unit::Count.full(users)
                delta=Delta::between(users, previous_users)
                previous=Unit::Count.full(previous_users)
                against
                testid="overview-users"
            />
            {card("Tokens", |m| (m.input_tokens + m.output_tokens) as f64, Unit::Count, Better::Neither, "overview-tokens")}
        </div>
    }
}
