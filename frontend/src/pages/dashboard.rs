//! `/`: the console's home page (SPEC DASH-1..4). Hero cards with their trends, calls per
//! hour over the last day, this month's cost by MCP server, the health grid and recent
//! activity, in one request. It follows the organization scope ("Open as admin") and
//! live updates: usage, audit entries and health flips make it ask again, quietly (the
//! page stays as it is until the answer replaces the parts that changed).

mod activity;
mod cards;
mod health;
mod usage;

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use omni_types::Permission;
use omni_types::analytics::{Activity, Cards, Dashboard, HealthTile, Point, ServerCost};
use omni_types::live::Channel;

use crate::api::ApiError;
use crate::components::error_panel::load_failure;
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::{LocalTime, browser_time_zone};
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, Transition, memo};
use crate::realtime::{LiveEvent, Refetch, use_live};
use crate::routes;
use crate::state::{use_api, use_scope, use_session};
use activity::ActivityFeed;
use cards::HeroCards;
use health::HealthGrid;
use usage::{CallsPerHour, CostByServer};

const SUMMARY: &str = "Your hub at a glance: what runs, who calls it, what it costs.";
/// Live events ask again at most this often (usage comes about once a second).
const LIVE_PERIOD: Duration = Duration::from_secs(1);
/// How often the page asks again while live updates are down.
const FALLBACK_REFRESH: Duration = Duration::from_secs(30);
/// And while they are up, so that "5 min ago" moves on when nothing happens.
const LIVE_REFRESH: Duration = Duration::from_secs(60);

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

/// What the dashboard shows, each part in a signal of its own: a live refetch replaces
/// the parts that changed and leaves the others (and the focus in them) alone.
#[derive(Clone, Copy)]
struct Shown {
    generated_at: RwSignal<DateTime<Utc>>,
    cards: RwSignal<Cards>,
    calls_per_hour: RwSignal<Vec<Point>>,
    cost_by_server: RwSignal<Vec<ServerCost>>,
    health: RwSignal<Option<Vec<HealthTile>>>,
    activity: RwSignal<Vec<Activity>>,
}

impl Shown {
    fn new(d: Dashboard) -> Self {
        Shown {
            generated_at: RwSignal::new(d.generated_at),
            cards: RwSignal::new(d.cards),
            calls_per_hour: RwSignal::new(d.calls_per_hour),
            cost_by_server: RwSignal::new(d.cost_by_server),
            health: RwSignal::new(d.health),
            activity: RwSignal::new(d.activity),
        }
    }

    fn apply(&self, d: Dashboard) {
        replace(self.generated_at, d.generated_at);
        replace(self.cards, d.cards);
        replace(self.calls_per_hour, d.calls_per_hour);
        replace(self.cost_by_server, d.cost_by_server);
        replace(self.health, d.health);
        replace(self.activity, d.activity);
    }
}

/// Sets `signal` to `value` if it differs (and the page is still there).
fn replace<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.try_with_untracked(|shown| shown != &value) == Some(true) {
        signal.try_set(value);
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let api = use_api();
    let live = use_live();
    let tz = StoredValue::new(dashboard.tz.clone());
    let organization = dashboard.organization;
    let shown = Shown::new(dashboard);
    // A failed live refetch keeps the page as it was, and says so.
    let paused = RwSignal::new(None::<ApiError>);
    let refetch = Refetch::new(LIVE_PERIOD, move || {
        let tz = tz.get_value();
        async move {
            match api.dashboard(&tz, organization).await {
                Ok(fresh) => {
                    paused.try_set(None);
                    shown.apply(fresh);
                }
                Err(e) => {
                    paused.try_set(Some(e));
                }
            }
        }
    });
    // Usage of the whole hub, or of the organization in scope (if the admin may follow it).
    let usage = match organization {
        Some(org) if live.allows(Channel::Org(org)) => Channel::Org(org),
        _ => Channel::Dashboard,
    };
    for channel in [usage, Channel::Audit, Channel::McpHealth] {
        live.subscribe(
            channel,
            move |_: &LiveEvent| refetch.request(),
            move || refetch.request(),
        );
    }
    live.poll(FALLBACK_REFRESH, LIVE_REFRESH, move || refetch.request());

    let now = Signal::from(shown.generated_at);
    view! {
        <p class="muted small dashboard__updated">
            "Updated " {move || view! { <LocalTime at=now.get() /> }}
            {move || paused.get().map(|e| view! { <span role="status">{format!(" · Live updates paused: {e}")}</span> })}
        </p>
        {move || view! { <HeroCards cards=shown.cards.get() /> }}
        <div class="dashboard__grid">
            {move || view! { <CallsPerHour points=shown.calls_per_hour.get() /> }}
            {move || view! { <CostByServer servers=shown.cost_by_server.get() /> }}
            {move || view! { <HealthGrid tiles=shown.health.get() /> }}
            <ActivityFeed activity=shown.activity.into() now />
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
