//! `/`: the console's home page (SPEC DASH-1..4). Hero cards with their trends, calls per
//! hour over the last day, this month's cost by MCP server, the health grid and recent
//! activity, in one request. It follows the organization scope ("Open as admin") and
//! asks again every half minute, until live updates arrive over the WebSocket.

mod activity;
mod cards;
mod health;
mod usage;

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use omni_types::Permission;
use omni_types::analytics::Dashboard;

use crate::components::error_panel::load_failure;
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::{LocalTime, browser_time_zone};
use crate::components::poll;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, memo};
use crate::routes;
use crate::state::{use_api, use_scope, use_session};
use activity::ActivityFeed;
use cards::HeroCards;
use health::HealthGrid;
use usage::{CallsPerHour, CostByServer};

const SUMMARY: &str = "Your hub at a glance: what runs, who calls it, what it costs.";
const REFRESH: Duration = Duration::from_secs(30);

/// The home page. Admins who may not read usage land on their profile instead, as
/// before there was a dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    let allowed = memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::TelemetryRead))));
    move || {
        if allowed.get() {
            view! { <DashboardHome /> }.into_any()
        } else {
            view! { <Redirect path=routes::PROFILE.href() options=NavigateOptions { replace: true, ..Default::default() } /> }
                .into_any()
        }
    }
}

#[component]
fn DashboardHome() -> impl IntoView {
    let api = use_api();
    let scope = use_scope();
    let tz = StoredValue::new(browser_time_zone());
    let dashboard = Loader::new(move || {
        let organization = scope.organization().map(|org| org.id);
        async move { api.dashboard(&tz.get_value(), organization).await }
    });
    poll(REFRESH, move || dashboard.refetch());
    let reloading = RwSignal::new(false);
    let retry = Callback::new(move |()| dashboard.refetch());

    let content = move || {
        Suspend::new(async move {
            match dashboard.await {
                Ok(dashboard) => view! { <DashboardView dashboard /> }.into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::TelemetryRead,
                    "Could not load the dashboard",
                    retry,
                    reloading,
                ),
            }
        })
    };
    let summary = move || match scope.organization() {
        Some(org) => format!(
            "{} at a glance: its usage, its cost and the MCP servers it can use.",
            org.name
        ),
        None => SUMMARY.to_owned(),
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::DASHBOARD.title}</h1>
                <p class="muted">{summary}</p>
            </div>
            <div class="page-header__actions">
                <A href=routes::ANALYTICS.href() attr:class="button button--secondary">"Open analytics"</A>
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| dashboard.refetch()
                    disabled=move || reloading.get()
                    aria-busy=move || reloading.get().to_string()
                >
                    <IconSvg icon=Icon::Refresh />
                    "Refresh"
                </button>
            </div>
        </header>
        <div class="dashboard" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=DashboardSkeleton set_pending=reloading>
                {content}
            </Transition>
        </div>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let Dashboard {
        generated_at,
        cards,
        calls_per_hour,
        cost_by_server,
        health,
        activity,
        ..
    } = dashboard;
    view! {
        <p class="muted small dashboard__updated">"Updated " <LocalTime at=generated_at /></p>
        <HeroCards cards />
        <div class="dashboard__grid">
            <CallsPerHour points=calls_per_hour />
            <CostByServer servers=cost_by_server />
            <HealthGrid tiles=health />
            <ActivityFeed activity now=generated_at />
        </div>
    }
}

#[component]
fn DashboardSkeleton() -> impl IntoView {
    let cards = (0..4)
        .map(|_| {
            view! {
                <div class="card stat-card">
                    <SkeletonLine width="50%" />
                    <SkeletonLine width="35%" tall=true />
                    <SkeletonLine width="70%" />
                </div>
            }
        })
        .collect_view();
    let panels = (0..4)
        .map(|_| {
            view! {
                <div class="card chart-skeleton">
                    <SkeletonLine width="40%" tall=true />
                    <span class="skeleton chart-skeleton__plot"></span>
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the dashboard…">
            <div class="stat-grid">{cards}</div>
            <div class="dashboard__grid">{panels}</div>
        </SkeletonBlock>
    }
}
