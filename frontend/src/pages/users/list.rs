//! The users matching the filter: a table (cards on narrow screens), "Load more" for the
//! next page. Each name leads to the user's page.

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Page;
use omni_types::hub_users::HubUser;

use super::role_label;
use crate::api::{ApiError, UserFilter};
use crate::components::empty_state::NoMatches;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::org_status::OrgLabel;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction};
use crate::routes;
use crate::state::use_api;

#[component]
pub fn UserList(
    filter: UserFilter,
    first: Page<HubUser>,
    on_clear: Callback<()>,
    on_add: Option<Callback<()>>,
) -> impl IntoView {
    if first.items.is_empty() {
        return if filter.is_narrowed() {
            view! { <NoMatches things="users" on_clear /> }.into_any()
        } else {
            view! {
                <div class="empty-state">
                    <h2 class="empty-state__title">"No users yet"</h2>
                    <p class="muted">"Add the people who call MCP tools through the hub, one by one or from a CSV file."</p>
                    {on_add.map(|add| view! {
                        <button type="button" class="button button--primary" on:click=move |_| add.run(())>
                            "New user"
                        </button>
                    })}
                </div>
            }
            .into_any()
        };
    }
    let api = use_api();
    let users = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let (filter, cursor) = (filter.clone(), cursor.clone());
        async move {
            let page = api.users(&filter, Some(cursor)).await?;
            users.try_update(|users| users.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    view! {
        <UserTable users=users.into() show_org=true />
        <div class="settings-list__footer">
            <p class="muted small" role="status">
                {move || {
                    let shown = users.with(Vec::len);
                    if next.with(Option::is_some) { format!("Showing {shown} users.") } else { format!("All {shown} matching users shown.") }
                }}
            </p>
            <LoadMore next action=load_more what="users" />
        </div>
    }
    .into_any()
}

/// Users as rows; the organization column is left out where they all share one.
#[component]
pub fn UserTable(users: Signal<Vec<HubUser>>, show_org: bool) -> impl IntoView {
    view! {
        <table class="settings-table" role="table">
            <caption class="visually-hidden">"Users"</caption>
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader">"Name"</th>
                    <th scope="col" role="columnheader">"Email"</th>
                    {show_org.then(|| view! { <th scope="col" role="columnheader">"Organization"</th> })}
                    <th scope="col" role="columnheader">"Role"</th>
                    <th scope="col" role="columnheader">"Status"</th>
                    <th scope="col" role="columnheader">"Grants"</th>
                    <th scope="col" role="columnheader">"Created"</th>
                </tr>
            </thead>
            <tbody role="rowgroup">
                <Keyed each=move || users.get() key=|user| (user.id, user.updated_at) children=move |user| view! { <UserRow user show_org /> } />
            </tbody>
        </table>
    }
}

#[component]
fn UserRow(user: HubUser, show_org: bool) -> impl IntoView {
    let href = routes::USERS.item_href(user.id);
    let organization = user.organization.clone();
    view! {
        <tr role="row" class="settings-row" data-testid="user-row">
            <td role="cell" data-label="Name">
                <A href=href attr:class="settings-row__link">{user.name}</A>
            </td>
            <td role="cell" data-label="Email">{user.email}</td>
            {show_org.then(|| view! { <td role="cell" data-label="Organization"><OrgLabel org=organization /></td> })}
            <td role="cell" data-label="Role" class="nowrap">{role_label(user.role)}</td>
            <td role="cell" data-label="Status"><EnabledBadge enabled=user.enabled /></td>
            <td role="cell" data-label="Grants">{user.grant_count}</td>
            <td role="cell" data-label="Created"><LocalTime at=user.created_at /></td>
        </tr>
    }
}

#[component]
pub fn EnabledBadge(enabled: bool) -> impl IntoView {
    if enabled {
        view! { <span class="status-badge status-badge--ok">"Enabled"</span> }
    } else {
        view! { <span class="status-badge status-badge--danger">"Disabled"</span> }
    }
}

#[component]
pub fn UsersSkeleton() -> impl IntoView {
    let rows = (0..5)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="20%" />
                    <SkeletonLine width="26%" />
                    <SkeletonLine width="18%" />
                    <SkeletonLine width="10%" />
                    <SkeletonLine width="10%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the users…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
