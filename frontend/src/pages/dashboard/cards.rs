//! The hero cards (DASH-1): each number with its trend against the period before.

use leptos::prelude::*;
use omni_types::analytics::{Cards, Trend};

use crate::components::charts::Unit;
use crate::components::stat_card::{Better, Delta, StatCard};

#[component]
pub fn HeroCards(cards: Cards) -> impl IntoView {
    let card =
        |label: &'static str, trend: Trend, unit: Unit, against: &'static str, better: Better, testid: &'static str| {
            view! {
                <StatCard
                    label
                    value=unit.full(trend.value)
                    delta=Delta::between(trend.value, trend.previous)
                    previous=unit.full(trend.previous)
                    against
                    better
                    testid
                />
            }
        };
    view! {
        <section class="stat-grid" aria-label="Headline numbers">
            {card("Active MCP servers", cards.active_servers, Unit::Count, "the 24 h before", Better::Higher, "card-servers")}
            {card("Active users, 24 h", cards.active_users, Unit::Count, "the 24 h before", Better::Higher, "card-users")}
            {card("Calls today", cards.calls_today, Unit::Count, "yesterday by now", Better::Higher, "card-calls")}
            {card("Cost this month", cards.cost_this_month_usd, Unit::Usd, "last month by now", Better::Neither, "card-cost")}
        </section>
    }
}
