//! The servers matching the filter, as cards or as a table; "Load more" for the next page.

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Page;
use omni_types::live::{Change, Channel, McpHealth};
use omni_types::mcp::{McpServer, Transport};

use super::status::{HealthBadge, latency};
use crate::api::{ApiError, McpFilter};
use crate::components::load_more::LoadMore;
use crate::components::local_time::LocalTime;
use crate::components::org_status::OrgLabel;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Keyed, LocalAction};
use crate::realtime::{LiveEvent, Refetch, use_live};
use crate::state::use_api;

/// How the list is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Cards,
    Table,
}

/// Live events ask the list again at most this often.
const LIVE_PERIOD: std::time::Duration = std::time::Duration::from_secs(1);

/// A health flip heard live, applied to the server as a fresh read would show it.
pub fn apply_health(server: &mut McpServer, health: &McpHealth) {
    server.status = health.status;
    if health.checked_at.is_some() {
        server.last_checked_at = health.checked_at;
        server.last_latency_ms = health.latency_ms;
        server.last_error = health.error.clone();
    }
}

pub fn server_href(server: &McpServer) -> String {
    format!("{}/{}", crate::routes::MCP_SERVERS.href(), server.id)
}

/// Where the server is: its URL, or the command the hub runs.
pub fn endpoint(server: &McpServer) -> String {
    match server.transport {
        Transport::StreamableHttp => server.url.clone().unwrap_or_default(),
        Transport::Stdio => {
            let mut line = server.command.clone().unwrap_or_default();
            for arg in &server.args {
                line.push(' ');
                line.push_str(arg);
            }
            line
        }
    }
}

#[component]
pub fn ServerList(
    filter: McpFilter,
    first: Page<McpServer>,
    layout: Signal<Layout>,
    on_clear: Callback<()>,
    on_add: Option<Callback<()>>,
    /// Asks for the list again (it shows the skeleton only the first time).
    on_reload: Callback<()>,
) -> impl IntoView {
    let live = use_live();
    if first.items.is_empty() {
        // Nothing to update in place: a server registered meanwhile reloads the list.
        live.subscribe(
            Channel::McpHealth,
            move |event| {
                if matches!(event, LiveEvent::McpServer(_)) {
                    on_reload.run(());
                }
            },
            move || on_reload.run(()),
        );
        return if filter.is_narrowed() {
            view! {
                <div class="empty-state">
                    <h2 class="empty-state__title">"No MCP servers match these filters"</h2>
                    <p class="muted">"Try another search, or clear the filters."</p>
                    <button type="button" class="button button--secondary" on:click=move |_| on_clear.run(())>
                        "Clear filters"
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="empty-state">
                    <h2 class="empty-state__title">"No MCP servers yet"</h2>
                    <p class="muted">
                        "Register the MCP servers your hub offers: Omni Admin checks their health and lists their tools."
                    </p>
                    {on_add.map(|add| view! {
                        <button type="button" class="button button--primary" on:click=move |_| add.run(())>
                            "Add MCP server"
                        </button>
                    })}
                </div>
            }
            .into_any()
        };
    }
    let api = use_api();
    let servers = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = {
        let filter = filter.clone();
        LocalAction::new(move |cursor: &String| {
            let (filter, cursor) = (filter.clone(), cursor.clone());
            async move {
                let page = api.mcp_servers(&filter, Some(cursor)).await?;
                // A server whose sort key changed between pages may come twice: once is enough.
                servers.try_update(|servers| {
                    for server in page.items {
                        if !servers.iter().any(|s| s.id == server.id) {
                            servers.push(server);
                        }
                    }
                });
                next.try_set(page.next_cursor);
                Ok::<_, ApiError>(())
            }
        })
    };
    // Live status in place: the rows shown are updated, nothing is rebuilt, focus and
    // loaded pages stay. While everything fits one page, the page is simply the latest.
    let refresh_failed = RwSignal::new(None::<ApiError>);
    let narrowed_by_status = !filter.status.is_empty();
    let refresh = Refetch::new(LIVE_PERIOD, move || {
        let filter = filter.clone();
        async move {
            match api.mcp_servers(&filter, None).await {
                Ok(fresh) => {
                    refresh_failed.try_set(None);
                    let single_page =
                        next.try_with_untracked(Option::is_none) == Some(true) && fresh.next_cursor.is_none();
                    if single_page {
                        servers.try_set(fresh.items);
                    } else {
                        servers.try_update(|shown| {
                            for server in fresh.items {
                                if let Some(slot) = shown.iter_mut().find(|s| s.id == server.id) {
                                    *slot = server;
                                }
                            }
                        });
                    }
                }
                Err(e) => {
                    refresh_failed.try_set(Some(e));
                }
            }
        }
    });
    live.subscribe(
        Channel::McpHealth,
        move |event| match event {
            // The badge flips at once; the list is asked again when the flip may move the
            // server in or out of a status filter.
            LiveEvent::McpHealth(health) => {
                servers.try_update(|shown| {
                    if let Some(server) = shown.iter_mut().find(|s| s.id == health.id) {
                        apply_health(server, health);
                    }
                });
                if narrowed_by_status {
                    refresh.request();
                }
            }
            LiveEvent::McpServer(gone) if gone.change == Change::Deleted => {
                servers.try_update(|shown| shown.retain(|s| s.id != gone.id));
            }
            _ => refresh.request(),
        },
        move || refresh.request(),
    );
    live.poll(super::REFRESH, super::REFRESH_WHEN_LIVE, move || refresh.request());
    view! {
        {move || match layout.get() {
            Layout::Cards => view! {
                <ul class="mcp-grid" aria-label="MCP servers">
                    <Keyed each=move || servers.get() key=|s| (s.id, s.updated_at, s.last_checked_at) children=move |server| view! { <ServerCard server /> } />
                </ul>
            }
            .into_any(),
            Layout::Table => view! { <ServerTable servers=servers.into() /> }.into_any(),
        }}
        {move || refresh_failed.get().map(|e| view! {
            <p class="muted small">{format!("Live status paused: {e}")}</p>
        })}
        <div class="settings-list__footer">
            <p class="muted small" role="status">
                {move || {
                    let shown = servers.with(Vec::len);
                    if next.with(Option::is_some) {
                        format!("Showing {shown} servers.")
                    } else {
                        format!("All {shown} matching servers shown.")
                    }
                }}
            </p>
            <LoadMore next action=load_more what="servers" />
        </div>
    }
    .into_any()
}

#[component]
fn ServerCard(server: McpServer) -> impl IntoView {
    let href = server_href(&server);
    let status = server.status;
    let endpoint = endpoint(&server);
    let endpoint_title = endpoint.clone();
    let tags = server.tags.clone();
    let owner = server.clone();
    view! {
        <li class="card mcp-card" data-testid="mcp-card">
            <div class="mcp-card__head">
                <A href=href attr:class="mcp-card__name">{server.name.clone()}</A>
                <HealthBadge status=Signal::stored(status) />
            </div>
            <p class="mcp-card__endpoint mono small" title=endpoint_title>{endpoint}</p>
            {(!server.description.is_empty()).then(|| view! { <p class="muted small mcp-card__description">{server.description.clone()}</p> })}
            <dl class="mcp-card__facts">
                <div><dt>"Owner"</dt><dd><Owner server=owner /></dd></div>
                <div><dt>"Tools"</dt><dd>{server.tool_count}</dd></div>
                <div><dt>"Latency"</dt><dd>{latency(server.last_latency_ms)}</dd></div>
                <div>
                    <dt>"Checked"</dt>
                    <dd>{match server.last_checked_at {
                        Some(at) => view! { <LocalTime at /> }.into_any(),
                        None => view! { <span class="muted">"Never"</span> }.into_any(),
                    }}</dd>
                </div>
            </dl>
            {(server.pending_tool_changes > 0).then(|| view! {
                <p class="status-badge status-badge--warning">{format!("{} tool changes to review", server.pending_tool_changes)}</p>
            })}
            {(!tags.is_empty()).then(|| view! {
                <ul class="badges badges--compact" aria-label="Tags">
                    {tags.into_iter().map(|t| view! { <li class="badge badge--plain">{t}</li> }).collect_view()}
                </ul>
            })}
        </li>
    }
}

/// The organization that owns the server, or "Global".
#[component]
pub fn Owner(server: McpServer) -> impl IntoView {
    match server.organization {
        Some(org) => view! { <OrgLabel org /> }.into_any(),
        None => view! { <span>"Global"</span> }.into_any(),
    }
}

/// `show_owner`: false where every server has the same owner (an organization's page).
#[component]
pub fn ServerTable(servers: Signal<Vec<McpServer>>, #[prop(default = true)] show_owner: bool) -> impl IntoView {
    view! {
        <table class="settings-table" role="table">
            <caption class="visually-hidden">"MCP servers"</caption>
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader">"Name"</th>
                    <th scope="col" role="columnheader">"Status"</th>
                    {show_owner.then(|| view! { <th scope="col" role="columnheader">"Owner"</th> })}
                    <th scope="col" role="columnheader">"Endpoint"</th>
                    <th scope="col" role="columnheader">"Tools"</th>
                    <th scope="col" role="columnheader">"Latency"</th>
                    <th scope="col" role="columnheader">"Last check"</th>
                </tr>
            </thead>
            <tbody role="rowgroup">
                <Keyed
                    each=move || servers.get()
                    key=|s| (s.id, s.updated_at, s.last_checked_at)
                    children=move |server| {
                        let href = server_href(&server);
                        let endpoint = endpoint(&server);
                        let owner = server.clone();
                        view! {
                            <tr role="row" class="settings-row" data-testid="mcp-row">
                                <td role="cell" data-label="Name">
                                    <A href=href attr:class="settings-row__link">{server.name.clone()}</A>
                                </td>
                                <td role="cell" data-label="Status"><HealthBadge status=Signal::stored(server.status) /></td>
                                {show_owner.then(|| view! { <td role="cell" data-label="Owner"><Owner server=owner /></td> })}
                                <td role="cell" data-label="Endpoint" class="mono small mcp-table__endpoint">{endpoint}</td>
                                <td role="cell" data-label="Tools">{server.tool_count}</td>
                                <td role="cell" data-label="Latency">{latency(server.last_latency_ms)}</td>
                                <td role="cell" data-label="Last check">
                                    {match server.last_checked_at {
                                        Some(at) => view! { <LocalTime at /> }.into_any(),
                                        None => view! { <span class="muted">"Never"</span> }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    }
                />
            </tbody>
        </table>
    }
}

#[component]
pub fn ServersSkeleton() -> impl IntoView {
    let cards = (0..6)
        .map(|_| {
            view! {
                <li class="card mcp-card">
                    <SkeletonLine width="50%" />
                    <SkeletonLine width="80%" />
                    <SkeletonLine width="65%" />
                </li>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the MCP servers…">
            <ul class="mcp-grid">{cards}</ul>
        </SkeletonBlock>
    }
}
