//! What every analytics section shares: a card with its title, a CSV export of its view,
//! the loading skeleton and the error states.

use leptos::prelude::*;
use omni_types::Permission;

use crate::api::{AnalyticsQuery, AnalyticsView, ApiError};
use crate::components::error_panel::ErrorPanel;
use crate::components::icons::{Icon, IconSvg};
use crate::components::permission_required::PermissionRequired;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::LocalAction;
use crate::state::use_api;

/// The empty state's hint, the same everywhere on the page.
pub const NO_USAGE_HINT: &str =
    "Try a longer range or remove a filter. Usage appears once the hub reports tool calls (POST /api/v1/events).";

#[component]
pub fn Section(
    /// The heading's id, for the section's name.
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    /// The view the export button downloads.
    #[prop(into)]
    export: Signal<AnalyticsView>,
    query: Memo<AnalyticsQuery>,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let api = use_api();
    let download = LocalAction::new(move |view: &AnalyticsView| {
        let (view, asked) = (*view, query.get_untracked());
        async move { api.analytics_export(view, &asked).await }
    });
    let busy = download.pending();
    let outcome = move || {
        if busy.get() {
            return None;
        }
        Some(match download.value().get()? {
            Ok(name) => view! { <p class="muted small">{format!("Saved {name}.")}</p> }.into_any(),
            Err(error) => view! {
                <div class="alert alert--error">
                    <IconSvg icon=Icon::Alert />
                    <p>{format!("Could not export: {error}")}</p>
                </div>
            }
            .into_any(),
        })
    };
    view! {
        <section class="card analytics-section" class:analytics-section--wide=wide aria-labelledby=id data-testid=id>
            <div class="analytics-section__head">
                <div>
                    <h2 id=id class="card__title">{title}</h2>
                    <p class="muted small">{summary}</p>
                    <div aria-live="polite">{outcome}</div>
                </div>
                <button
                    type="button"
                    class="button button--secondary button--small"
                    aria-label=format!("Export {} as CSV", title.to_lowercase())
                    on:click=move |_| {
                        if !busy.get_untracked() {
                            download.dispatch(export.get_untracked());
                        }
                    }
                    disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string()
                >
                    <IconSvg icon=Icon::Download />
                    "CSV"
                </button>
            </div>
            {children()}
        </section>
    }
}

/// A failed view: "you may not" (403), "the question is wrong" (422: the range picker
/// marks the fields), or the error with a retry.
pub fn failure(error: ApiError, title: &'static str, retry: Callback<()>) -> AnyView {
    match error.status() {
        Some(403) => view! { <PermissionRequired permission=Permission::TelemetryRead /> }.into_any(),
        Some(422) => view! {
            <div class="alert alert--error" role="alert">
                <IconSvg icon=Icon::Alert />
                <p>{format!("The range or the filters are not valid: {error} Correct them above.")}</p>
            </div>
        }
        .into_any(),
        _ => view! { <ErrorPanel title error on_retry=retry /> }.into_any(),
    }
}

/// The sections while their first answers are on the way.
#[component]
pub fn SectionsSkeleton() -> impl IntoView {
    let sections = [true, true, false, false, true, false, false]
        .into_iter()
        .map(|wide| {
            view! {
                <div class="card analytics-section" class:analytics-section--wide=wide>
                    <SkeletonLine width="30%" tall=true />
                    <span class="skeleton chart-skeleton__plot"></span>
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the analytics…">
            <div class="analytics__grid">{sections}</div>
        </SkeletonBlock>
    }
}

#[component]
pub fn ChartSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading…">
            <div class="chart-skeleton">
                <SkeletonLine width="30%" />
                <span class="skeleton chart-skeleton__plot"></span>
            </div>
        </SkeletonBlock>
    }
}
