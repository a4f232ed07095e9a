//! Where the cost goes: a donut and a table by server, tool, user, organization or model.
//! Each row can narrow the whole page to itself.

use leptos::prelude::*;
use omni_types::analytics::{Breakdown, BreakdownSort, Dimension, Group};
use uuid::Uuid;

use super::Data;
use super::section::{ChartSkeleton, NO_USAGE_HINT, Section, failure};
use super::url::{OrgChoice, View};
use crate::api::{AnalyticsView, ApiError, BreakdownChoice};
use crate::components::charts::Unit;
use crate::components::charts::donut::{DonutChart, Slice};
use crate::components::empty_state::NoUsage;
use crate::reactive::{Loader, Transition, memo};
use crate::state::use_api;

/// Groups listed; the rest are summed as "Others".
const GROUPS: u16 = 10;

pub fn dimension_label(by: Dimension) -> &'static str {
    match by {
        Dimension::Server => "MCP server",
        Dimension::Tool => "Tool",
        Dimension::User => "User",
        Dimension::Organization => "Organization",
        Dimension::Model => "Model",
    }
}

/// Server names by id, from a breakdown by server: a tool's group names its server by
/// id only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerNames(Vec<(String, String)>);

impl ServerNames {
    pub fn of(servers: &Result<Breakdown, ApiError>) -> ServerNames {
        let groups = servers.as_ref().map(|b| b.groups.as_slice()).unwrap_or_default();
        ServerNames(
            groups
                .iter()
                .filter_map(|g| Some((g.key.clone(), g.label.clone()?)))
                .collect(),
        )
    }

    fn get(&self, id: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == id).map(|(_, name)| name.as_str())
    }
}

/// How a group reads: its name (a tool's with its server's), or what it was.
pub fn group_label(by: Dimension, group: &Group, servers: &ServerNames) -> String {
    match (&group.label, by) {
        (Some(tool), Dimension::Tool) => match group
            .server_name
            .as_deref()
            .or_else(|| group.server.as_deref().and_then(|id| servers.get(id)))
        {
            Some(server) => format!("{tool} · {server}"),
            None => tool.clone(),
        },
        (Some(label), Dimension::Model) if label.is_empty() => "No model".to_owned(),
        (Some(label), _) => label.clone(),
        (None, Dimension::Model) => "No model".to_owned(),
        (None, by) => format!("Deleted {}", dimension_label(by).to_lowercase()),
    }
}

/// The view narrowed to `group`, if the API can filter by what it is (not by model).
fn narrowed_to(view: &View, by: Dimension, key: &str) -> Option<View> {
    let id = || Uuid::parse_str(key).ok();
    let mut next = view.clone();
    match by {
        Dimension::Organization => next.organization = OrgChoice::Only(id()?),
        Dimension::Server => next.server = Some(id()?),
        Dimension::User => next.user = Some(id()?),
        Dimension::Tool => {
            let (server, tool) = key.split_once('/')?;
            next.server = Some(Uuid::parse_str(server).ok()?);
            next.tool = tool.to_owned();
        }
        Dimension::Model => return None,
    }
    Some(next)
}

#[component]
pub fn CostBreakdown(data: Data, servers: ServerNames) -> impl IntoView {
    let servers = StoredValue::new(servers);
    let api = use_api();
    let by = memo(move || data.view.with(|v| v.by));
    let choice = move || BreakdownChoice {
        by: by.get(),
        sort: BreakdownSort::Cost,
        limit: GROUPS,
    };
    let breakdown = Loader::new(move || {
        let (asked, choice) = (data.query.get(), choice());
        async move { api.analytics_breakdown(&asked, choice).await }
    });
    let retry = Callback::new(move |()| breakdown.refetch());
    let body = move || {
        Suspend::new(async move {
            match breakdown.await {
                Ok(breakdown) if breakdown.groups.is_empty() => view! { <NoUsage hint=NO_USAGE_HINT /> }.into_any(),
                Ok(breakdown) => view! { <BreakdownView breakdown servers=servers.get_value() data /> }.into_any(),
                Err(error) => failure(error, "Could not load the cost breakdown", retry),
            }
        })
    };
    let options = [
        Dimension::Server,
        Dimension::Tool,
        Dimension::User,
        Dimension::Organization,
        Dimension::Model,
    ]
    .into_iter()
    .map(|d| view! { <option value=d.as_str() prop:selected=move || by.get() == d>{dimension_label(d)}</option> })
    .collect_view();
    view! {
        <Section
            id="analytics-breakdown"
            title="Cost breakdown"
            summary="Where the cost goes, the ten costliest first."
            export=Signal::derive(move || AnalyticsView::Breakdown(choice()))
            query=data.query
            wide=true
        >
            <div class="field analytics-section__control">
                <label class="field__label" for="analytics-by">"Break down by"</label>
                <select
                    id="analytics-by"
                    class="input"
                    on:change=move |ev| {
                        if let Ok(next) = event_target_value(&ev).parse::<Dimension>() {
                            data.show.run(View { by: next, ..data.view.get_untracked() });
                        }
                    }
                >
                    {options}
                </select>
            </div>
            <Transition fallback=ChartSkeleton>{body}</Transition>
        </Section>
    }
}

#[component]
fn BreakdownView(breakdown: Breakdown, servers: ServerNames, data: Data) -> impl IntoView {
    let by = breakdown.by;
    let total = breakdown.total.cost_usd;
    let mut slices: Vec<Slice> = breakdown
        .groups
        .iter()
        .map(|group| Slice {
            label: group_label(by, group, &servers),
            value: group.measures.cost_usd,
        })
        .collect();
    if let Some(others) = &breakdown.others {
        slices.push(Slice {
            label: "Others".to_owned(),
            value: others.cost_usd,
        });
    }
    let chart = if total > 0.0 {
        let label = format!("Cost by {}", dimension_label(by).to_lowercase());
        view! { <DonutChart label slices unit=Unit::Usd /> }.into_any()
    } else {
        view! { <p class="muted">"These calls cost nothing."</p> }.into_any()
    };
    let rows = breakdown
        .groups
        .into_iter()
        .map(|group| {
            let narrow = data.view.with_untracked(|view| narrowed_to(view, by, &group.key));
            let name = group_label(by, &group, &servers);
            let filter = narrow.map(|next| {
                view! {
                    <button
                        type="button"
                        class="button button--ghost button--small"
                        aria-label=format!("Filter by {name}")
                        on:click=move |_| data.show.run(next.clone())
                    >
                        "Filter"
                    </button>
                }
            });
            let m = &group.measures;
            view! {
                <tr role="row" class="settings-row" data-testid="breakdown-row">
                    <td role="cell" data-label=dimension_label(by)>{name.clone()}</td>
                    <td role="cell" data-label="Cost">{Unit::Usd.full(m.cost_usd)}</td>
                    <td role="cell" data-label="Share">{Unit::Ratio.full(group.cost_share)}</td>
                    <td role="cell" data-label="Calls">{Unit::Count.full(m.calls as f64)}</td>
                    <td role="cell" data-label="Errors">{Unit::Count.full(m.errors as f64)}</td>
                    <td role="cell" data-label="p95">{m.p95_ms.map_or_else(|| "—".to_owned(), |ms| Unit::Ms.full(ms))}</td>
                    <td role="cell" data-label="">{filter}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="breakdown">
            {chart}
            <table class="settings-table breakdown__table" role="table">
                <caption class="visually-hidden">{format!("Cost by {}", dimension_label(by).to_lowercase())}</caption>
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">{dimension_label(by)}</th>
                        <th scope="col" role="columnheader">"Cost"</th>
                        <th scope="col" role="columnheader">"Share"</th>
                        <th scope="col" role="columnheader">"Calls"</th>
                        <th scope="col" role="columnheader">"Errors"</th>
                        <th scope="col" role="columnheader">"p95"</th>
                        <th scope="col" role="columnheader"><span class="visually-hidden">"Narrow"</span></th>
                    </tr>
                </thead>
                <tbody role="rowgroup">{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use omni_types::analytics::Measures;

    use super::*;

    fn group(key: &str, label: Option<&str>, server: Option<&str>) -> Group {
        Group {
            key: key.to_owned(),
            label: label.map(str::to_owned),
            server: server.map(str::to_owned),
            server_name: None,
            measures: Measures::default(),
            cost_share: 0.0,
        }
    }

    #[test]
    fn groups_read_as_names() {
        let names = ServerNames(vec![("s".into(), "github".into())]);
        assert_eq!(
            group_label(Dimension::Tool, &group("s/search", Some("search"), Some("s")), &names),
            "search · github"
        );
        let mut named = group("s/search", Some("search"), Some("s"));
        named.server_name = Some("github-enterprise".into());
        assert_eq!(
            group_label(Dimension::Tool, &named, &ServerNames(Vec::new())),
            "search · github-enterprise"
        );
        assert_eq!(
            group_label(Dimension::Tool, &group("t/search", Some("search"), Some("t")), &names),
            "search"
        );
        assert_eq!(
            group_label(Dimension::Model, &group("", Some(""), None), &names),
            "No model"
        );
        assert_eq!(
            group_label(Dimension::User, &group("x", None, None), &names),
            "Deleted user"
        );
        assert_eq!(
            group_label(Dimension::Server, &group("x", Some("github"), None), &names),
            "github"
        );
    }

    #[test]
    fn a_row_narrows_the_view_to_itself() {
        let server = Uuid::now_v7();
        let view = View::default();
        let tool = narrowed_to(&view, Dimension::Tool, &format!("{server}/search")).unwrap();
        assert_eq!((tool.server, tool.tool.as_str()), (Some(server), "search"));
        let org = narrowed_to(&view, Dimension::Organization, &server.to_string()).unwrap();
        assert_eq!(org.organization, OrgChoice::Only(server));
        assert_eq!(narrowed_to(&view, Dimension::Model, "claude"), None);
        assert_eq!(narrowed_to(&view, Dimension::User, "not-an-id"), None);
    }
}
