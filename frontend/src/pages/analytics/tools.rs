//! Tool popularity: the most called tools of the range.

use leptos::prelude::*;
use omni_types::analytics::{Breakdown, Dimension};

use super::Data;
use super::breakdown::{ServerNames, group_label};
use super::section::{NO_USAGE_HINT, Section, failure};
use crate::api::{AnalyticsView, ApiError, TOOL_POPULARITY};
use crate::components::charts::Unit;
use crate::components::charts::bars::{Bar, BarChart};
use crate::components::empty_state::NoUsage;

#[component]
pub fn ToolPopularity(tools: Result<Breakdown, ApiError>, servers: ServerNames, data: Data) -> impl IntoView {
    let body = match tools {
        Ok(tools) if tools.groups.is_empty() => view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any(),
        Ok(tools) => {
            let bars = tools
                .groups
                .iter()
                .map(|group| Bar {
                    label: group_label(Dimension::Tool, group, &servers),
                    value: group.measures.calls as f64,
                    href: None,
                    detail: format!(
                        "{} · {} errors",
                        Unit::Usd.full(group.measures.cost_usd),
                        Unit::Ratio.full(group.measures.error_rate)
                    ),
                })
                .collect();
            view! { <BarChart label="Calls by tool".to_owned() bars unit=Unit::Count detail="Cost · error rate" /> }
                .into_any()
        }
        Err(error) => failure(error, "Could not load the tools", data.retry),
    };
    view! {
        <Section
            id="analytics-tools"
            title="Tool popularity"
            summary="The ten most called tools."
            export=AnalyticsView::Breakdown(TOOL_POPULARITY)
            query=data.query
        >
            {body}
        </Section>
    }
}
