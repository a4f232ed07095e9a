//! `/analytics`: usage, cost, performance and errors over a chosen range (SPEC ANA-2..4).
//! The range, the bucket and the filters are in the address (`url`). The views of one
//! question are requested together, and each section shows its own answer: its chart,
//! its empty state or its error, and exports its view as CSV. The cost breakdown, whose
//! dimension changes on its own, asks apart once the others are in.

mod breakdown;
mod errors;
mod filters;
mod heatmap;
mod overview;
mod range;
mod section;
mod tools;
mod url;
mod usage;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use omni_types::Permission;

use crate::api::{AnalyticsQuery, ApiError};
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::{browser_time_zone, now};
use crate::components::permission_required::RequirePermission;
use crate::reactive::{Loader, Transition, memo};
use crate::routes;
use crate::state::{use_api, use_scope};
use breakdown::{CostBreakdown, ServerNames};
use errors::ErrorsByType;
use filters::Filters;
use heatmap::ActivityHeatmap;
use overview::OverviewCards;
use range::RangePicker;
use section::SectionsSkeleton;
use tools::ToolPopularity;
use url::{OrgChoice, Question, View};
use usage::{Latency, UsageOverTime};

const SUMMARY: &str = "Calls, cost, latency and errors over time, by organization, server, tool, user and model.";

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::TelemetryRead title=routes::ANALYTICS.title summary=SUMMARY>
            <Analytics />
        </RequirePermission>
    }
}

/// The question the sections answer, and what they may do.
#[derive(Clone, Copy)]
pub struct Data {
    pub view: Memo<View>,
    pub question: Memo<Question>,
    pub query: Memo<AnalyticsQuery>,
    /// Shows another view: a new entry in the history, the scroll position kept.
    pub show: Callback<View>,
    /// Asks every view again.
    pub retry: Callback<()>,
}

#[component]
fn Analytics() -> impl IntoView {
    let api = use_api();
    let scope = use_scope();
    let location = use_location();
    let navigate = use_navigate();
    let query_map = location.query;
    let view = memo(move || query_map.with(|q| View::parse(|name| q.get_str(name))));
    let question = memo(move || view.with(View::question));
    // "Refresh" asks again up to now; so does every change of the question.
    let refreshed = RwSignal::new(0u32);
    let tz = StoredValue::new(browser_time_zone());
    let query = memo(move || {
        refreshed.track();
        question.with(|q| {
            let scoped = (q.organization == OrgChoice::Scope)
                .then(|| scope.organization().map(|org| org.id))
                .flatten();
            q.query(now(), &tz.get_value(), scoped)
        })
    });
    let show = Callback::new(move |next: View| {
        navigate(
            &next.href(),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    // A new scope (the header's chip) narrows the page to it, as it does the user list.
    Effect::new(move |previous: Option<Option<uuid::Uuid>>| {
        let now_scoped = scope.organization().map(|org| org.id);
        if previous.is_some_and(|p| p != now_scoped) && view.with_untracked(|v| v.organization != OrgChoice::Scope) {
            show.run(View {
                organization: OrgChoice::Scope,
                ..view.get_untracked()
            });
        }
        now_scoped
    });

    // The overview's 422, for the range picker to show beside its fields. A signal of its
    // own, as on the audit page: an effect reading the resource could miss its re-run.
    let rejected = RwSignal::new(None::<ApiError>);
    let views = Loader::new(move || {
        let asked = query.get();
        async move {
            let views = api.analytics_views(&asked).await;
            if query.try_with_untracked(|now| *now == asked) == Some(true) {
                rejected.try_set(
                    views
                        .overview
                        .as_ref()
                        .err()
                        .filter(|e| e.status() == Some(422))
                        .cloned(),
                );
            }
            views
        }
    });
    let data = Data {
        view,
        question,
        query,
        show,
        retry: Callback::new(move |()| views.refetch()),
    };
    let sections = move || {
        Suspend::new(async move {
            let views = views.await;
            let servers = ServerNames::of(&views.servers);
            view! {
                <OverviewCards overview=views.overview data />
                <UsageOverTime series=views.series.clone() data />
                <Latency series=views.series.clone() data />
                <ErrorsByType errors=views.errors series=views.series data />
                <CostBreakdown data servers=servers.clone() />
                <ToolPopularity tools=views.tools servers data />
                <ActivityHeatmap heatmap=views.heatmap data />
            }
        })
    };
    let reloading = RwSignal::new(false);
    let invalid = move || {
        view.with(|v| {
            (!v.invalid.is_empty()).then(|| {
                view! {
                    <div class="alert alert--error" role="alert">
                        <IconSvg icon=Icon::Alert />
                        <p>{format!(
                            "This link has parameters the page cannot read ({}); they are left out.",
                            v.invalid.join(", ")
                        )}</p>
                    </div>
                }
            })
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::ANALYTICS.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <div class="page-header__actions">
                <button type="button" class="button button--secondary" on:click=move |_| refreshed.update(|n| *n += 1)>
                    <IconSvg icon=Icon::Refresh />
                    "Refresh"
                </button>
            </div>
        </header>
        <div class="card analytics-controls">
            <RangePicker view on_change=show rejected />
            <Filters view question on_change=show />
        </div>
        {invalid}
        <div class="analytics__grid" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=SectionsSkeleton set_pending=reloading>
                {sections}
            </Transition>
        </div>
    }
}
