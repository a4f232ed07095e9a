//! What belongs to an organization: its hub users (each leading to their page) and the MCP
//! servers it owns.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use omni_types::Permission;
use omni_types::hub_users::HubUser;
use omni_types::orgs::Organization;
use uuid::Uuid;

use super::detail::org_ref;
use crate::api::{ApiError, McpFilter, UserFilter};
use crate::components::error_panel::ErrorPanel;
use crate::components::load_more::LoadMore;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::pages::mcp_servers::ServerTable;
use crate::pages::users::{NewUserDialog, UserTable};
use crate::reactive::{Loader, LocalAction, Show, Transition};
use crate::routes;
use crate::state::{use_api, use_session};

#[component]
pub fn Members(org: Signal<Organization>) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let can_add = session.with_admin(|a| a.is_some_and(|a| a.can(Permission::UsersWrite)));
    let navigate = use_navigate();
    let id = org.with_untracked(|o| o.id);
    let filter = UserFilter {
        organization: id.to_string(),
        ..UserFilter::default()
    };
    let users = Loader::new({
        let filter = filter.clone();
        move || {
            let filter = filter.clone();
            async move { api.users(&filter, None).await }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| users.refetch());
    let adding = RwSignal::new(false);
    let body = move || {
        let filter = filter.clone();
        Suspend::new(async move {
            match users.await {
                Ok(first) if first.items.is_empty() => view! {
                    <p class="muted">"No users in this organization yet."</p>
                }
                .into_any(),
                Ok(first) => {
                    let shown = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let (filter, cursor) = (filter.clone(), cursor.clone());
                        async move {
                            let page = api.users(&filter, Some(cursor)).await?;
                            shown.try_update(|u| u.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <UserTable users=shown.into() show_org=false />
                        <LoadMore next action=load_more what="users" />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the members" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="org-members-title" aria-busy=move || reloading.get().to_string()>
            <div class="mcp-section__head">
                <h2 id="org-members-title" class="card__title">"Members"</h2>
                {can_add.then(|| view! {
                    <button type="button" class="button button--secondary button--small" on:click=move |_| adding.set(true)>
                        "New user"
                    </button>
                })}
            </div>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the members…"><SkeletonLine /><SkeletonLine width="70%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
        <Show when=move || adding.get()>
            <NewUserDialog
                organization=Some(org.with_untracked(org_ref))
                on_created=Callback::new({
                    let navigate = navigate.clone();
                    move |user: HubUser| navigate(&routes::USERS.item_href(user.id), NavigateOptions::default())
                })
                on_close=Callback::new(move |()| adding.set(false))
            />
        </Show>
    }
}

#[component]
pub fn OrgServers(id: Uuid) -> impl IntoView {
    let api = use_api();
    let filter = McpFilter {
        organization: id.to_string(),
        ..McpFilter::default()
    };
    let servers = Loader::new({
        let filter = filter.clone();
        move || {
            let filter = filter.clone();
            async move { api.mcp_servers(&filter, None).await }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| servers.refetch());
    let body = move || {
        let filter = filter.clone();
        Suspend::new(async move {
            match servers.await {
                Ok(first) if first.items.is_empty() => view! {
                    <p class="muted">"It owns no MCP servers: its users call global ones. A server is given an owner in its settings."</p>
                }
                .into_any(),
                Ok(first) => {
                    let shown = RwSignal::new(first.items);
                    let next = RwSignal::new(first.next_cursor);
                    let load_more = LocalAction::new(move |cursor: &String| {
                        let (filter, cursor) = (filter.clone(), cursor.clone());
                        async move {
                            let page = api.mcp_servers(&filter, Some(cursor)).await?;
                            shown.try_update(|s| s.extend(page.items));
                            next.try_set(page.next_cursor);
                            Ok::<_, ApiError>(())
                        }
                    });
                    view! {
                        <ServerTable servers=shown.into() show_owner=false />
                        <LoadMore next action=load_more what="servers" />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load its MCP servers" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="org-servers-title" aria-busy=move || reloading.get().to_string()>
            <h2 id="org-servers-title" class="card__title">"MCP servers it owns"</h2>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading its MCP servers…"><SkeletonLine /><SkeletonLine width="70%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}
