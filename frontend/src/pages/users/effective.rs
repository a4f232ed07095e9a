//! What the user can call in effect, and why: every MCP server visible to their
//! organization, decided as a whole and tool by tool, by the rules the hub applies before
//! each call.

use leptos::prelude::*;
use omni_types::hub_users::{EffectivePermissions, EffectiveServer};

use super::reason::{Decision, reason_text};
use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, Transition};

/// `effective`: the user's effective permissions (the page reloads them after a change).
#[component]
pub fn EffectivePermissionsView(effective: Loader<Result<EffectivePermissions, ApiError>>) -> impl IntoView {
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| effective.refetch());
    let body = move || {
        Suspend::new(async move {
            match effective.await {
                Ok(found) => view! { <Effective found /> }.into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not load the effective permissions" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="user-effective-title" aria-busy=move || reloading.get().to_string()>
            <h2 id="user-effective-title" class="card__title">"Effective permissions"</h2>
            <p class="muted small">"What the hub lets this user call right now, and the rule that decides each tool."</p>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the effective permissions…"><SkeletonLine /><SkeletonLine width="60%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

#[component]
fn Effective(found: EffectivePermissions) -> impl IntoView {
    let summary = match found.allowed_tool_count {
        0 => "The user can call no tool.".to_owned(),
        1 => "The user can call 1 tool.".to_owned(),
        n => format!("The user can call {n} tools."),
    };
    view! {
        {found.blocked.map(|reason| view! {
            <div class="alert alert--error" role="note" data-testid="effective-blocked">
                <p><strong>"Blocked: "</strong>{format!("{}. Nothing can be called until that changes.", reason_text(reason))}</p>
            </div>
        })}
        <p class="small" data-testid="effective-summary">{summary}</p>
        {if found.servers.is_empty() {
            view! { <p class="muted">"No MCP servers are visible to this user's organization."</p> }.into_any()
        } else {
            view! {
                <ul class="effective-list">
                    {found.servers.into_iter().map(|server| view! { <ServerDecision server /> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

#[component]
fn ServerDecision(server: EffectiveServer) -> impl IntoView {
    let allowed = server.tools.iter().filter(|t| t.allowed).count();
    let granted = match &server.granted_tools {
        None => "No grant".to_owned(),
        Some(tools) => format!("Grant: {}", tools.join(", ")),
    };
    let total = server.tools.len();
    // Servers with something allowed start open; the rest, a line each.
    let open = allowed > 0;
    view! {
        <li class="effective-list__item" data-testid="effective-server">
            <details open=open>
                <summary>
                    <span class="effective-list__name">{server.server_name.clone()}</span>
                    <Decision reason=server.reason />
                    <span class="muted small">{format!("{allowed} of {total} tools allowed · {granted}")}</span>
                </summary>
                {if server.tools.is_empty() {
                    view! { <p class="muted small">"No tools known: the server has not been checked successfully yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="settings-table settings-table--inner effective-tools">
                            <caption class="visually-hidden">{format!("Tools of {}", server.server_name)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Tool"</th>
                                    <th scope="col">"Decision"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {server.tools.into_iter().map(|tool| view! {
                                    <tr class="settings-row" data-testid="effective-tool">
                                        <td data-label="Tool"><code>{tool.name}</code></td>
                                        <td data-label="Decision"><Decision reason=tool.reason /></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </details>
        </li>
    }
}
