//! The dashboard's charts (DASH-3): calls per hour over the last 24 hours, and this
//! month's cost by MCP server.

use leptos::prelude::*;
use omni_types::analytics::{Bucket, Point, ServerCost};

use crate::components::charts::bars::{Bar, BarChart};
use crate::components::charts::line::{Line, LineChart};
use crate::components::charts::{Unit, time};
use crate::components::empty_state::NoUsage;
use crate::routes;

#[component]
pub fn CallsPerHour(points: Vec<Point>) -> impl IntoView {
    let body = if points.iter().all(|p| p.measures.calls == 0) {
        view! { <NoUsage title="No calls in the last 24 hours" hint="Calls appear here as the hub reports them (POST /api/v1/events)." /> }
            .into_any()
    } else {
        let starts: Vec<_> = points.iter().map(|p| p.start).collect();
        let (labels, ticks) = time::axis(&starts, Bucket::Hour);
        let calls = Line {
            name: "Calls".to_owned(),
            values: points.iter().map(|p| Some(p.measures.calls as f64)).collect(),
        };
        view! { <LineChart label="Calls per hour, last 24 hours".to_owned() points=labels ticks lines=vec![calls] unit=Unit::Count area=true /> }
            .into_any()
    };
    view! {
        <section class="card dashboard__panel" aria-labelledby="dash-calls-title" data-testid="dash-calls">
            <h2 id="dash-calls-title" class="card__title">"Calls per hour"</h2>
            <p class="muted small">"The last 24 hours, in your time zone."</p>
            {body}
        </section>
    }
}

#[component]
pub fn CostByServer(servers: Vec<ServerCost>) -> impl IntoView {
    let body = if servers.is_empty() {
        view! { <NoUsage title="No cost this month" hint="Costs appear here once MCP tool calls with a cost or a priced model are reported." /> }
            .into_any()
    } else {
        let bars = servers
            .into_iter()
            .map(|server| Bar {
                label: server.name.unwrap_or_else(|| "Deleted server".to_owned()),
                value: server.cost_usd,
                href: Some(routes::MCP_SERVERS.item_href(server.server)),
                detail: format!("{} calls", Unit::Count.full(server.calls as f64)),
            })
            .collect();
        view! { <BarChart label="Cost by MCP server, this month".to_owned() bars unit=Unit::Usd detail="Calls" /> }
            .into_any()
    };
    view! {
        <section class="card dashboard__panel" aria-labelledby="dash-cost-title" data-testid="dash-cost">
            <h2 id="dash-cost-title" class="card__title">"Cost by MCP server"</h2>
            <p class="muted small">"This month so far, the ten costliest."</p>
            {body}
        </section>
    }
}
