//! `/mcp-servers/{id}`: one MCP server. Its health and configuration, "Check now",
//! enable/disable, edit and delete; its health history, tools and tool changes.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use omni_types::Permission;
use omni_types::live::{Change, Channel};
use omni_types::mcp::{HealthCheckResult, McpServer, Transport, UpdateMcpServer};
use uuid::Uuid;

use super::form::ServerForm;
use super::health::HealthHistory;
use super::list::{Owner, apply_health, endpoint};
use super::status::{HealthBadge, label, latency};
use super::tools::{ToolChanges, Tools};
use super::use_can_write;
use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::local_time::LocalTime;
use crate::components::modal::Modal;
use crate::components::permission_required::RequirePermission;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, LocalAction, Show, Transition, effect, memo};
use crate::realtime::{LiveEvent, Refetch, use_live};
use crate::routes;
use crate::state::use_api;

/// Live events ask the server again at most this often.
const LIVE_PERIOD: std::time::Duration = std::time::Duration::from_secs(1);

#[component]
pub fn McpServerDetailPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::McpRead title="MCP server" summary="One MCP server, its health and its tools.">
            <ServerDetail />
        </RequirePermission>
    }
}

#[component]
fn ServerDetail() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = memo(move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    let server = Loader::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api.mcp_server(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| server.refetch());
    let content = move || {
        Suspend::new(async move {
            match server.await {
                Ok(Some(found)) => view! { <ServerView server=found /> }.into_any(),
                Ok(None) => not_found().into_any(),
                Err(error) if error.status() == Some(404) => not_found().into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not load the MCP server" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <p class="back-link">
            <A href=routes::MCP_SERVERS.href()>"← All MCP servers"</A>
        </p>
        <Transition fallback=DetailSkeleton set_pending=reloading>
            {content}
        </Transition>
    }
}

fn not_found() -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>"MCP server not found"</h1>
        </header>
        <div class="alert alert--error" role="alert">
            <p>"There is no MCP server at this address. It may have been deleted, or the link is mistyped."</p>
        </div>
    }
}

#[component]
fn ServerView(server: McpServer) -> impl IntoView {
    let api = use_api();
    let can_write = use_can_write();
    let id = server.id;
    let current = RwSignal::new(server);
    // A new health record: the history asks again (also on the live refresh).
    let checked = RwSignal::new(0u32);
    // An admin's own action (check now, edit, a decision): the tools and their changes
    // ask again. Not on the live refresh, which would fold open schemas and lose focus.
    let version = RwSignal::new(0u32);
    let bump = move |signal: RwSignal<u32>| signal.update(|v| *v += 1);
    let refetch = move || {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = api.mcp_server(id).await {
                current.try_set(fresh);
            }
        });
    };
    let editing = RwSignal::new(false);
    let deleting = RwSignal::new(false);

    let check = LocalAction::new(move |_: &()| async move { api.mcp_server_check(id).await });
    effect(move || {
        if let Some(Ok(result)) = check.value().get() {
            current.set(result.server.clone());
            bump(checked);
            bump(version);
        }
    });
    let toggle = LocalAction::new(move |enabled: &bool| {
        let change = UpdateMcpServer {
            enabled: Some(*enabled),
            ..Default::default()
        };
        async move { api.mcp_server_update(id, &change).await }
    });
    effect(move || {
        if let Some(Ok(updated)) = toggle.value().get() {
            current.set(updated);
        }
    });
    let is_http = move || current.with(|s| s.transport == Transport::StreamableHttp);
    // Live status: a health flip shows at once, and the server is asked again then (and
    // every few seconds while live updates are down); a newer check refreshes the history
    // below too. The page stays as it is while this fails.
    let refresh_failed = RwSignal::new(None::<ApiError>);
    let refresh = Refetch::new(LIVE_PERIOD, move || async move {
        match api.mcp_server(id).await {
            Ok(fresh) => {
                refresh_failed.try_set(None);
                let newer = current.try_with_untracked(|s| s.last_checked_at != fresh.last_checked_at);
                if current.try_with_untracked(|s| s != &fresh) == Some(true) {
                    current.try_set(fresh);
                }
                if newer == Some(true) {
                    checked.try_update(|v| *v += 1);
                }
            }
            Err(e) => {
                refresh_failed.try_set(Some(e));
            }
        }
    });
    // Removed by someone else while open here.
    let deleted = RwSignal::new(false);
    let live = use_live();
    live.subscribe(
        Channel::McpHealth,
        move |event| match event {
            LiveEvent::McpHealth(health) if health.id == id => {
                current.try_update(|server| apply_health(server, health));
                refresh.request();
            }
            LiveEvent::McpServer(server) if server.id == id && server.change == Change::Deleted => {
                deleted.try_set(true);
            }
            LiveEvent::McpServer(server) if server.id == id => refresh.request(),
            _ => {}
        },
        move || refresh.request(),
    );
    live.poll(super::REFRESH, super::REFRESH_WHEN_LIVE, move || refresh.request());

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{move || current.with(|s| s.name.clone())}</h1>
                <p class="muted">{move || current.with(|s| if s.description.is_empty() { endpoint(s) } else { s.description.clone() })}</p>
            </div>
            <Show when=move || can_write.get()>
                <div class="page-header__actions">
                    <Show when=is_http>
                        <button
                            type="button"
                            class="button button--primary"
                            on:click=move |_| {
                                check.dispatch(());
                            }
                            disabled=move || check.pending().get()
                            aria-busy=move || check.pending().get().to_string()
                        >
                            <Show when=move || check.pending().get()>
                                <span class="spinner spinner--small" aria-hidden="true"></span>
                            </Show>
                            {move || if check.pending().get() { "Checking…" } else { "Check now" }}
                        </button>
                    </Show>
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || toggle.pending().get()
                        on:click=move |_| {
                            toggle.dispatch(!current.with_untracked(|s| s.enabled));
                        }
                    >
                        {move || if current.with(|s| s.enabled) { "Disable" } else { "Enable" }}
                    </button>
                    <button type="button" class="button button--secondary" on:click=move |_| editing.set(true)>
                        "Edit"
                    </button>
                    <button type="button" class="button button--ghost button--danger-text" on:click=move |_| deleting.set(true)>
                        "Delete"
                    </button>
                </div>
            </Show>
        </header>
        {move || check_result(check.value().get(), check.pending().get())}
        {move || toggle.value().get().and_then(Result::err).map(|e| view! {
            <p class="inline-error" role="alert">{format!("Could not change the server: {e}")}</p>
        })}
        {move || {
            if deleted.get() {
                Some(view! {
                    <div class="alert alert--error" role="alert" data-testid="server-deleted">
                        <p>
                            "This MCP server was just deleted. "
                            <A href=routes::MCP_SERVERS.href()>"Back to all MCP servers"</A>
                        </p>
                    </div>
                }
                .into_any())
            } else {
                refresh_failed.get().map(|e| view! {
                    <p class="muted small" role="status">{format!("Live updates paused: {e}")}</p>
                }
                .into_any())
            }
        }}
        <Overview server=current.into() />
        <Show when=move || editing.get()>
            <ServerForm
                server=Some(current.get_untracked())
                on_saved=Callback::new(move |saved: McpServer| {
                    current.set(saved);
                    bump(version);
                })
                on_close=Callback::new(move |()| editing.set(false))
            />
        </Show>
        <Show when=move || deleting.get()>
            <DeleteDialog server=current.get_untracked() on_close=Callback::new(move |()| deleting.set(false)) />
        </Show>
        <HealthHistory id version=checked.into() />
        <Tools id version=version.into() />
        <ToolChanges id version on_decided=Callback::new(move |()| refetch()) />
    }
}

/// What "Check now" found, announced.
fn check_result(result: Option<Result<HealthCheckResult, ApiError>>, pending: bool) -> Option<AnyView> {
    if pending {
        return None;
    }
    Some(match result? {
        Ok(done) => {
            let check = done.check;
            let text = match &check.error {
                None => format!(
                    "{}: answered in {}, {} tools.",
                    label(check.status),
                    latency(check.latency_ms),
                    check.tool_count.unwrap_or_default()
                ),
                Some(error) => format!("{}: {error}", label(check.status)),
            };
            let ok = check.error.is_none();
            view! {
                <p class="alert check-result" class:alert--info=ok class:alert--error=!ok role="status" data-testid="check-result">
                    {text}
                </p>
            }
            .into_any()
        }
        Err(e) => {
            view! { <p class="inline-error" role="alert">{format!("The check could not run: {e}")}</p> }.into_any()
        }
    })
}

#[component]
fn Overview(server: Signal<McpServer>) -> impl IntoView {
    let status = Signal::derive(move || server.with(|s| s.status));
    view! {
        <section class="card mcp-overview" aria-labelledby="mcp-overview-title">
            <h2 id="mcp-overview-title" class="card__title">"Overview"</h2>
            <dl class="facts">
                <div><dt>"Status"</dt><dd><HealthBadge status /></dd></div>
                <div><dt>"Owner"</dt><dd>{move || view! { <Owner server=server.get() /> }}</dd></div>
                <div><dt>"Transport"</dt><dd>{move || server.with(|s| match s.transport {
                    Transport::StreamableHttp => "Streamable HTTP",
                    Transport::Stdio => "stdio (run by the hub)",
                })}</dd></div>
                <div><dt>"Endpoint"</dt><dd class="mono small break">{move || server.with(endpoint)}</dd></div>
                <div><dt>"Latency"</dt><dd>{move || server.with(|s| latency(s.last_latency_ms))}</dd></div>
                <div><dt>"Last check"</dt><dd>{move || match server.with(|s| s.last_checked_at) {
                    Some(at) => view! { <LocalTime at /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}</dd></div>
                <div><dt>"Next check"</dt><dd>{move || match server.with(|s| s.next_check_at) {
                    Some(at) => view! { <LocalTime at /> }.into_any(),
                    None => view! { <span class="muted">"Not scheduled"</span> }.into_any(),
                }}</dd></div>
                <div><dt>"Server"</dt><dd>{move || server.with(|s| match (&s.server_name, &s.server_version) {
                    (Some(n), Some(v)) => format!("{n} {v}"),
                    (Some(n), None) => n.clone(),
                    _ => "—".into(),
                })}</dd></div>
                <div><dt>"Protocol"</dt><dd>{move || server.with(|s| s.protocol_version.clone().unwrap_or_else(|| "—".into()))}</dd></div>
                <div><dt>"Auth header"</dt><dd>{move || server.with(|s| if s.auth_header_set { format!("{}: set (hidden)", s.auth_header_name) } else { "None".into() })}</dd></div>
                <div><dt>"Timeouts"</dt><dd>{move || server.with(|s| format!("{} ms, degraded above {} ms, every {} s", s.timeout_ms, s.degraded_threshold_ms, s.check_interval_seconds))}</dd></div>
                <div><dt>"Tool approval"</dt><dd>{move || server.with(|s| if s.require_tool_approval { "Required" } else { "Not required" })}</dd></div>
                <div><dt>"Tags"</dt><dd>{move || server.with(|s| if s.tags.is_empty() { "—".into() } else { s.tags.join(", ") })}</dd></div>
            </dl>
            {move || server.with(|s| s.last_error.clone()).map(|error| view! {
                <div class="alert alert--error mcp-last-error" role="note">
                    <h3>"Last error"</h3>
                    <pre class="mono small" data-testid="last-error">{error}</pre>
                </div>
            })}
        </section>
    }
}

/// Deleting asks first, and says what goes with the server.
#[component]
fn DeleteDialog(server: McpServer, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let id = server.id;
    let name = server.name.clone();
    let impact = Loader::new(move || async move { api.mcp_server_impact(id).await });
    let delete = LocalAction::new(move |_: &()| async move { api.mcp_server_delete(id).await });
    let navigate = use_navigate();
    effect(move || {
        if let Some(Ok(())) = delete.value().get() {
            navigate(&routes::MCP_SERVERS.href(), NavigateOptions::default());
        }
    });
    let typed = RwSignal::new(String::new());
    let confirmed = {
        let name = name.clone();
        move || typed.with(|t| t.trim() == name)
    };
    let summary = move || {
        Suspend::new(async move {
            match impact.await {
                Ok(i) => view! {
                    <ul class="impact" data-testid="delete-impact">
                        <li>{format!("{} tools", i.tool_count)}</li>
                        <li>{format!("{} health records", i.health_check_count)}</li>
                        <li>{format!("{} tool changes waiting for review", i.pending_tool_changes)}</li>
                        <li>{format!("Grants of {} hub users on it", i.users_with_grants)}</li>
                        <li>{format!("{} calls in the last 30 days (their usage history stays)", i.calls_30d)}</li>
                    </ul>
                }
                .into_any(),
                Err(e) => view! { <p class="inline-error" role="alert">{format!("Could not tell what goes with it: {e}")}</p> }.into_any(),
            }
        })
    };
    view! {
        <Modal title="Delete this MCP server?".to_owned() on_close role="alertdialog">
            <p>{format!("{name} is removed from the registry with everything below. The hub stops offering its tools. This cannot be undone.")}</p>
            <Transition fallback=|| view! { <p class="muted">"Counting what goes with it…"</p> }>{summary}</Transition>
            <div class="field">
                <label class="field__label" for="mcp-delete-confirm">{format!("Type {name} to confirm")}</label>
                <input
                    id="mcp-delete-confirm"
                    class="input"
                    type="text"
                    autocomplete="off"
                    prop:value=move || typed.get()
                    on:input:target=move |ev| typed.set(ev.target().value())
                />
            </div>
            {move || delete.value().get().and_then(Result::err).map(|e| view! { <p class="inline-error" role="alert">{e.to_string()}</p> })}
            <div class="modal__actions">
                <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button
                    type="button"
                    class="button button--primary button--danger"
                    disabled={
                        let confirmed = confirmed.clone();
                        move || !confirmed() || delete.pending().get()
                    }
                    aria-busy=move || delete.pending().get().to_string()
                    on:click=move |_| {
                        delete.dispatch(());
                    }
                >
                    "Delete MCP server"
                </button>
            </div>
        </Modal>
    }
}

#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading the MCP server…">
            <div class="card">
                <SkeletonLine width="40%" tall=true />
                <SkeletonLine width="70%" />
                <SkeletonLine width="55%" />
                <SkeletonLine width="60%" />
            </div>
        </SkeletonBlock>
    }
}
