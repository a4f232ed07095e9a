//! The organizations matching the filter: a table (cards on narrow screens), "Load more"
//! for the next page. Each name leads to the organization's page.

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Page;
use omni_types::orgs::Organization;

use super::plan_label;
use crate::api::{ApiError, OrgFilter};
use crate::components::empty_state::NoMatches;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::org_status::OrgStatusBadge;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction};
use crate::routes;
use crate::state::use_api;

#[component]
pub fn OrgList(
    filter: OrgFilter,
    first: Page<Organization>,
    on_clear: Callback<()>,
    on_add: Option<Callback<()>>,
) -> impl IntoView {
    if first.items.is_empty() {
        return if filter.is_narrowed() {
            view! { <NoMatches things="organizations" on_clear /> }.into_any()
        } else {
            view! {
                <div class="empty-state">
                    <h2 class="empty-state__title">"No organizations yet"</h2>
                    <p class="muted">"Organizations group the hub's users, and can own MCP servers of their own."</p>
                    {on_add.map(|add| view! {
                        <button type="button" class="button button--primary" on:click=move |_| add.run(())>
                            "New organization"
                        </button>
                    })}
                </div>
            }
            .into_any()
        };
    }
    let api = use_api();
    let orgs = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let (filter, cursor) = (filter.clone(), cursor.clone());
        async move {
            let page = api.organizations(&filter, Some(cursor)).await?;
            orgs.try_update(|orgs| orgs.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    view! {
        <table class="settings-table" role="table">
            <caption class="visually-hidden">"Organizations"</caption>
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader">"Name"</th>
                    <th scope="col" role="columnheader">"Plan"</th>
                    <th scope="col" role="columnheader">"Status"</th>
                    <th scope="col" role="columnheader">"Users"</th>
                    <th scope="col" role="columnheader">"MCP servers"</th>
                    <th scope="col" role="columnheader">"Calls (30 d)"</th>
                    <th scope="col" role="columnheader">"Cost (30 d)"</th>
                    <th scope="col" role="columnheader">"Created"</th>
                </tr>
            </thead>
            <tbody role="rowgroup">
                <Keyed each=move || orgs.get() key=|org| (org.id, org.updated_at) children=move |org| view! { <OrgRow org /> } />
            </tbody>
        </table>
        <div class="settings-list__footer">
            <p class="muted small" role="status">
                {move || {
                    let shown = orgs.with(Vec::len);
                    if next.with(Option::is_some) {
                        format!("Showing {shown} organizations.")
                    } else {
                        format!("All {shown} matching organizations shown.")
                    }
                }}
            </p>
            <LoadMore next action=load_more what="organizations" />
        </div>
    }
    .into_any()
}

#[component]
fn OrgRow(org: Organization) -> impl IntoView {
    let href = routes::ORGANIZATIONS.item_href(org.id);
    view! {
        <tr role="row" class="settings-row" data-testid="org-row">
            <td role="cell" data-label="Name">
                <span class="stacked">
                    <A href=href attr:class="settings-row__link">{org.name}</A>
                    <code class="muted small">{org.slug}</code>
                </span>
            </td>
            <td role="cell" data-label="Plan" class="nowrap">{plan_label(org.plan)}</td>
            <td role="cell" data-label="Status">
                <OrgStatusBadge status=org.status reason=org.status_reason since=org.status_changed_at detailed=true />
            </td>
            <td role="cell" data-label="Users">{org.user_count}</td>
            <td role="cell" data-label="MCP servers">{org.server_count}</td>
            <td role="cell" data-label="Calls (30 d)" class="num">{org.calls_30d}</td>
            <td role="cell" data-label="Cost (30 d)" class="num">{format!("${:.2}", org.cost_30d_usd)}</td>
            <td role="cell" data-label="Created"><LocalTime at=org.created_at /></td>
        </tr>
    }
}

#[component]
pub fn OrgsSkeleton() -> impl IntoView {
    let rows = (0..5)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="30%" />
                    <SkeletonLine width="12%" />
                    <SkeletonLine width="14%" />
                    <SkeletonLine width="8%" />
                    <SkeletonLine width="8%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the organizations…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
