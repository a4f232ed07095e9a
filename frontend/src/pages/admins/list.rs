//! The admins matching the filter: a table (cards on narrow screens), "Load more" for the
//! next page. Each admin's email leads to their page.

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Page;
use omni_types::admins::Admin;

use crate::api::{AdminFilter, ApiError};
use crate::components::empty_state::NoMatches;
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction};
use crate::routes;
use crate::state::use_api;

#[component]
pub fn AdminList(filter: AdminFilter, first: Page<Admin>, on_clear: Callback<()>) -> impl IntoView {
    if first.items.is_empty() {
        return if filter.is_empty() {
            view! {
                <div class="empty-state">
                    <h2 class="empty-state__title">"No admins yet"</h2>
                    <p class="muted">"Admins you add appear here."</p>
                </div>
            }
            .into_any()
        } else {
            view! { <NoMatches things="admins" on_clear /> }.into_any()
        };
    }
    let api = use_api();
    let admins = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let (filter, cursor) = (filter.clone(), cursor.clone());
        async move {
            let page = api.admins_list(&filter, Some(cursor)).await?;
            admins.try_update(|admins| admins.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    view! {
        <table class="settings-table" role="table">
            <caption class="visually-hidden">"Admins"</caption>
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader">"Email"</th>
                    <th scope="col" role="columnheader">"Name"</th>
                    <th scope="col" role="columnheader">"Roles"</th>
                    <th scope="col" role="columnheader">"Status"</th>
                    <th scope="col" role="columnheader">"Last sign-in"</th>
                </tr>
            </thead>
            <tbody role="rowgroup">
                <Keyed each=move || admins.get() key=|admin| admin.id children=move |admin| view! { <AdminRow admin /> } />
            </tbody>
        </table>
        <div class="settings-list__footer">
            <p class="muted small" role="status">
                {move || {
                    let shown = admins.with(Vec::len);
                    if next.with(Option::is_some) { format!("Showing {shown} admins.") } else { format!("All {shown} matching admins shown.") }
                }}
            </p>
            <LoadMore next action=load_more what="admins" />
        </div>
    }
    .into_any()
}

#[component]
fn AdminRow(admin: Admin) -> impl IntoView {
    let href = format!("{}/{}", routes::ADMINS.href(), admin.id);
    view! {
        <tr role="row" class="settings-row" data-testid="admin-row">
            <td role="cell" data-label="Email">
                <A href=href attr:class="settings-row__link">{admin.email}</A>
            </td>
            <td role="cell" data-label="Name">{admin.display_name}</td>
            <td role="cell" data-label="Roles">
                <RoleBadges roles=admin.roles />
            </td>
            <td role="cell" data-label="Status">
                <StatusBadge disabled=admin.disabled />
            </td>
            <td role="cell" data-label="Last sign-in">
                {match admin.last_login_at {
                    Some(at) => view! { <LocalTime at /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
pub fn RoleBadges(roles: Vec<String>) -> impl IntoView {
    if roles.is_empty() {
        return view! { <span class="muted">"No roles"</span> }.into_any();
    }
    let badges = roles
        .into_iter()
        .map(|role| view! { <li class="badge">{role}</li> })
        .collect_view();
    view! { <ul class="badges badges--compact" aria-label="Roles">{badges}</ul> }.into_any()
}

#[component]
pub fn StatusBadge(disabled: bool) -> impl IntoView {
    if disabled {
        view! { <span class="status-badge status-badge--danger">"Disabled"</span> }
    } else {
        view! { <span class="status-badge status-badge--ok">"Active"</span> }
    }
}

#[component]
pub fn AdminsSkeleton() -> impl IntoView {
    let rows = (0..5)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="28%" />
                    <SkeletonLine width="20%" />
                    <SkeletonLine width="14%" />
                    <SkeletonLine width="10%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the admins…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
