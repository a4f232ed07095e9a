//! The filters: removable chips for those applied (an organization, a server, a user, a
//! tool), and controls to add them. The organization follows the scope ("Open as admin")
//! unless the address names one; users are chosen from the cost breakdown by user.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::Permission;
use uuid::Uuid;

use super::url::{OrgChoice, Question, View};
use crate::api::McpFilter;
use crate::components::icons::{Icon, IconSvg};
use crate::components::org_select::OrgSelect;
use crate::reactive::{Loader, effect, memo};
use crate::state::{use_api, use_scope, use_session};

#[component]
pub fn Filters(view: Memo<View>, question: Memo<Question>, on_change: Callback<View>) -> impl IntoView {
    let api = use_api();
    let scope = use_scope();
    let session = use_session();
    let can = move |permission: Permission| session.with_admin(|a| a.is_some_and(|a| a.can(permission)));
    let (see_servers, see_users) = (can(Permission::McpRead), can(Permission::UsersRead));
    let organization = memo(move || question.with(|q| q.organization(scope.organization().map(|org| org.id))));
    let server = memo(move || question.with(|q| q.server));
    let user = memo(move || question.with(|q| q.user));
    let edit = move |change: &dyn Fn(&mut View)| {
        let mut next = view.get_untracked();
        change(&mut next);
        on_change.run(next);
    };
    let set_organization = move |id: Option<Uuid>| {
        // Without one while scoped, the address must say "all", or the scope applies again.
        let scoped = untrack(|| scope.organization()).is_some();
        edit(&|view| {
            view.organization = match id {
                Some(id) => OrgChoice::Only(id),
                None if scoped => OrgChoice::All,
                None => OrgChoice::Scope,
            };
        });
    };

    // Names for the chips, looked up together; the id itself when it cannot be found
    // (or may not be read).
    let names = Loader::new(move || {
        let (org, server, user) = (organization.get(), server.get(), user.get());
        let scoped = scope.organization().filter(|scoped| Some(scoped.id) == org);
        async move {
            let org = match (org, scoped) {
                (_, Some(scoped)) => Some(scoped.name),
                (Some(id), None) => Some(api.organization(id).await.map_or_else(|_| id.to_string(), |o| o.name)),
                (None, None) => None,
            };
            let server = match server {
                Some(id) if see_servers => Some(api.mcp_server(id).await.map_or_else(|_| id.to_string(), |s| s.name)),
                other => other.map(|id| id.to_string()),
            };
            let user = match user {
                Some(id) if see_users => Some(
                    api.user(id)
                        .await
                        .map_or_else(|_| id.to_string(), |u| format!("{} ({})", u.name, u.email)),
                ),
                other => other.map(|id| id.to_string()),
            };
            [org, server, user]
        }
    });
    let name_of = move |which: usize| {
        Signal::derive(move || {
            names
                .get()
                .and_then(|names| names[which].clone())
                .unwrap_or_else(|| "…".to_owned())
        })
    };

    let chips = move || {
        let mut chips = Vec::new();
        if organization.get().is_some() {
            let from_scope = question.with(|q| q.organization == OrgChoice::Scope);
            chips.push(view! {
                <FilterChip
                    what=if from_scope { "Organization (scope)" } else { "Organization" }
                    name=name_of(0)
                    on_remove=Callback::new(move |()| set_organization(None))
                />
            });
        }
        if server.get().is_some() {
            chips.push(view! {
                <FilterChip what="MCP server" name=name_of(1) on_remove=Callback::new(move |()| edit(&|v| v.server = None)) />
            });
        }
        if user.get().is_some() {
            chips.push(view! {
                <FilterChip what="User" name=name_of(2) on_remove=Callback::new(move |()| edit(&|v| v.user = None)) />
            });
        }
        let tool = question.with(|q| q.tool.clone());
        if !tool.is_empty() {
            chips.push(view! {
                <FilterChip
                    what="Tool"
                    name=Signal::stored(tool)
                    on_remove=Callback::new(move |()| edit(&|v| v.tool.clear()))
                />
            });
        }
        if chips.is_empty() {
            view! { <p class="muted small">"No filters: every organization, server, user and tool."</p> }.into_any()
        } else {
            view! { <ul class="chips" aria-label="Applied filters">{chips}</ul> }.into_any()
        }
    };

    let tool = RwSignal::new(String::new());
    effect(move || tool.set(question.with(|q| q.tool.clone())));
    let apply_tool = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = tool.get_untracked().trim().to_owned();
        edit(&|v| v.tool = typed.clone());
    };
    let org_select = move || {
        // Rebuilt when the scope changes, so the scoped organization is always offered.
        let current = scope.organization();
        view! {
            <OrgSelect
                id="analytics-organization"
                label="Organization"
                value=Signal::derive(move || organization.get().map(|id| id.to_string()).unwrap_or_default())
                on_change=Callback::new(move |value: String| set_organization(Uuid::parse_str(&value).ok()))
                fixed=&[("", "Any organization")]
                current
            />
        }
    };

    view! {
        <div class="analytics-filters">
            <div class="analytics-filters__chips" aria-live="polite">{chips}</div>
            <details class="analytics-filters__add">
                <summary>"Add a filter"</summary>
                <div class="analytics-filters__grid">
                    {org_select}
                    {see_servers.then(|| view! { <ServerSelect value=server on_change=Callback::new(move |id: Option<Uuid>| edit(&|v| v.server = id)) /> })}
                    <form class="analytics-filters__tool" role="search" aria-label="Filter by tool" on:submit=apply_tool>
                        <div class="field">
                            <label class="field__label" for="analytics-tool">"Tool"</label>
                            <input
                                id="analytics-tool"
                                class="input"
                                type="search"
                                placeholder="Tool name"
                                prop:value=move || tool.get()
                                on:input:target=move |ev| tool.set(ev.target().value())
                            />
                        </div>
                        <button type="submit" class="button button--secondary">"Apply"</button>
                    </form>
                </div>
                <p class="muted small">"To see one user, choose “User” in the cost breakdown and press Filter on their row."</p>
            </details>
        </div>
    }
}

#[component]
fn FilterChip(what: &'static str, name: Signal<String>, on_remove: Callback<()>) -> impl IntoView {
    view! {
        <li class="chip" data-testid="filter-chip">
            <span class="chip__what">{format!("{what}:")}</span>
            <span class="chip__name">{move || name.get()}</span>
            <button
                type="button"
                class="chip__remove"
                aria-label=move || format!("Remove the {} filter {}", what.to_lowercase(), name.get())
                title="Remove this filter"
                on:click=move |_| on_remove.run(())
            >
                <IconSvg icon=Icon::Close />
            </button>
        </li>
    }
}

/// The MCP servers to narrow to: the first page of the registry, by name.
#[component]
fn ServerSelect(value: Memo<Option<Uuid>>, on_change: Callback<Option<Uuid>>) -> impl IntoView {
    let api = use_api();
    let servers = Loader::new(move || async move { api.mcp_servers(&McpFilter::default(), None).await });
    let options = move || {
        servers.get().and_then(Result::ok).map(|page| {
            page.items
                .into_iter()
                .map(|server| {
                    let id = server.id;
                    view! { <option value=id.to_string() prop:selected=move || value.get() == Some(id)>{server.name}</option> }
                })
                .collect_view()
        })
    };
    let failure = move || servers.get().and_then(Result::err);
    view! {
        <div class="field">
            <label class="field__label" for="analytics-server">"MCP server"</label>
            <select
                id="analytics-server"
                class="input"
                aria-busy=move || servers.get().is_none().to_string()
                on:change=move |ev| on_change.run(Uuid::parse_str(&event_target_value(&ev)).ok())
            >
                <option value="" prop:selected=move || value.get().is_none()>"Any server"</option>
                {options}
            </select>
            <ul class="field__errors">
                {move || failure().map(|e| view! {
                    <li>
                        {format!("Could not load the servers: {e} ")}
                        <button type="button" class="button button--ghost button--small" on:click=move |_| servers.refetch()>"Retry"</button>
                    </li>
                })}
            </ul>
        </div>
    }
}
