//! The permissions editor (SPEC USER-2): for each MCP server visible to the user's
//! organization (the global ones and its own), no access, all tools (`*`) or the tools
//! chosen. Saving replaces the whole set; the server's errors, which name a grant by its
//! place in the request (`grants[2].tools`), show on that server's row.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::hub_users::{ALL_TOOLS, Grant, GrantView, ReplaceGrants};
use omni_types::mcp::{HealthStatus, McpServer};
use uuid::Uuid;

use super::tools::ToolPicker;
use crate::api::{ApiError, McpFilter};
use crate::components::error_panel::ErrorPanel;
use crate::components::load_more::LoadMore;
use crate::components::permission_required::PermissionRequired;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::pages::mcp_servers::HealthBadge;
use crate::reactive::{Keyed, Loader, LocalAction, Show, Transition, effect, memo};
use crate::state::use_api;

/// What the user may call on one server.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    All,
    Tools(BTreeSet<String>),
}

/// Which of the three choices a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    None,
    All,
    Selected,
}

type Grants = BTreeMap<Uuid, Access>;

fn grants_of(views: &[GrantView]) -> Grants {
    views
        .iter()
        .map(|g| {
            let access = if g.tools.iter().any(|t| t == ALL_TOOLS) {
                Access::All
            } else {
                Access::Tools(g.tools.iter().cloned().collect())
            };
            (g.server_id, access)
        })
        .collect()
}

/// The request: every grant, in server order (the order the server's errors count in).
fn request_of(grants: &Grants) -> ReplaceGrants {
    ReplaceGrants {
        grants: grants
            .iter()
            .map(|(server_id, access)| Grant {
                server_id: *server_id,
                tools: match access {
                    Access::All => vec![ALL_TOOLS.to_owned()],
                    Access::Tools(tools) => tools.iter().cloned().collect(),
                },
            })
            .collect(),
    }
}

/// A server as a row shows it: from the list of visible servers, or (for a grant on a
/// server not on the loaded pages) from the grant alone.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: Uuid,
    name: String,
    /// Owned by the user's organization (else global).
    own: bool,
    status: Option<HealthStatus>,
    tool_count: Option<i64>,
}

impl Row {
    fn of(server: &McpServer) -> Self {
        Row {
            id: server.id,
            name: server.name.clone(),
            own: server.organization.is_some(),
            status: Some(server.status),
            tool_count: Some(server.tool_count),
        }
    }
}

#[component]
pub fn GrantsEditor(
    user: Uuid,
    /// The user's organization: its servers and the global ones can be granted.
    organization: Uuid,
    #[prop(into)] editable: Signal<bool>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let filter = McpFilter {
        visible_to: Some(organization),
        ..McpFilter::default()
    };
    let loaded = Loader::new({
        let filter = filter.clone();
        move || {
            let filter = filter.clone();
            async move {
                let (grants, servers) = join(api.user_grants(user), api.mcp_servers(&filter, None)).await;
                Ok::<_, ApiError>((grants?, servers?))
            }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| loaded.refetch());
    let body = move || {
        let filter = filter.clone();
        Suspend::new(async move {
            match loaded.await {
                Ok((grants, first)) => view! {
                    <Editor user grants first filter editable on_saved />
                }
                .into_any(),
                Err(error) if error.status() == Some(403) => match error.clone() {
                    ApiError::Problem(p) if p.missing_permission.as_deref() == Some(Permission::McpRead.as_str()) => {
                        view! { <PermissionRequired permission=Permission::McpRead /> }.into_any()
                    }
                    _ => view! { <PermissionRequired permission=Permission::UsersRead /> }.into_any(),
                },
                Err(error) => view! {
                    <ErrorPanel title="Could not load the permissions" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card mcp-section" aria-labelledby="user-grants-title" aria-busy=move || reloading.get().to_string()>
            <h2 id="user-grants-title" class="card__title">"Permissions"</h2>
            <p class="muted small">
                "What the user may call on each MCP server their organization can see. “All tools” includes tools the server adds later."
            </p>
            <Transition fallback=|| view! { <SkeletonBlock label="Loading the permissions…"><SkeletonLine /><SkeletonLine width="70%" /><SkeletonLine width="55%" /></SkeletonBlock> } set_pending=reloading>
                {body}
            </Transition>
        </section>
    }
}

#[component]
fn Editor(
    user: Uuid,
    grants: Vec<GrantView>,
    first: omni_types::Page<McpServer>,
    filter: McpFilter,
    editable: Signal<bool>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let saved = RwSignal::new(grants_of(&grants));
    let draft = RwSignal::new(grants_of(&grants));
    // Names of granted servers, for those not on the loaded pages.
    let granted_names = RwSignal::new(
        grants
            .iter()
            .map(|g| (g.server_id, g.server_name.clone()))
            .collect::<BTreeMap<_, _>>(),
    );
    let servers = RwSignal::new(first.items);
    let next = RwSignal::new(first.next_cursor);
    let load_more = LocalAction::new(move |cursor: &String| {
        let (filter, cursor) = (filter.clone(), cursor.clone());
        async move {
            let page = api.mcp_servers(&filter, Some(cursor)).await?;
            servers.try_update(|s| s.extend(page.items));
            next.try_set(page.next_cursor);
            Ok::<_, ApiError>(())
        }
    });
    let rows = memo(move || {
        let mut rows: Vec<Row> = servers.with(|s| s.iter().map(Row::of).collect());
        granted_names.with(|names| {
            for (id, name) in names {
                if !rows.iter().any(|r| r.id == *id) {
                    rows.push(Row {
                        id: *id,
                        name: name.clone(),
                        own: false,
                        status: None,
                        tool_count: None,
                    });
                }
            }
        });
        rows
    });

    // The servers in the order the last request listed them: its errors count in it.
    let sent = StoredValue::new(Vec::<Uuid>::new());
    let attempted = RwSignal::new(false);
    let save = LocalAction::new(move |request: &ReplaceGrants| {
        let request = request.clone();
        async move { api.user_grants_replace(user, &request).await }
    });
    let done = RwSignal::new(false);
    effect(move || {
        if let Some(Ok(views)) = save.value().get() {
            let now = grants_of(&views);
            granted_names.set(views.iter().map(|g| (g.server_id, g.server_name.clone())).collect());
            saved.set(now.clone());
            draft.set(now);
            attempted.set(false);
            done.set(true);
            on_saved.run(());
        }
    });
    let server_error = move || save.value().get().and_then(Result::err);
    let dirty = move || draft.with(|d| saved.with(|s| d != s));
    // A row's errors: an empty selection (once Save was pressed), and the server's.
    let row_errors = move |id: Uuid| {
        Signal::derive(move || {
            let mut errors = Vec::new();
            if attempted.get() && draft.with(|d| matches!(d.get(&id), Some(Access::Tools(t)) if t.is_empty())) {
                errors.push("Choose at least one tool, or give all tools.".to_owned());
            }
            if let Some(e) = server_error()
                && let Some(i) = sent.with_value(|sent| sent.iter().position(|s| *s == id))
            {
                for field in ["server_id", "tools"] {
                    errors.extend(
                        e.field_errors(&format!("grants[{i}].{field}"))
                            .iter()
                            .map(|m| match field {
                                "tools" => format!("Tools {m}."),
                                _ => format!("Server {m}."),
                            }),
                    );
                }
            }
            errors
        })
    };
    let other_error = move || {
        server_error().filter(|e| match e {
            ApiError::Problem(p) if p.status == 422 => p.errors.keys().any(|k| !k.starts_with("grants[")),
            _ => true,
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        done.set(false);
        let grants = draft.get_untracked();
        if grants.values().any(|a| matches!(a, Access::Tools(t) if t.is_empty())) {
            return;
        }
        let request = request_of(&grants);
        sent.set_value(request.grants.iter().map(|g| g.server_id).collect());
        save.dispatch(request);
    };
    let reset = move |_| {
        draft.set(saved.get_untracked());
        attempted.set(false);
        save.value().set(None);
    };
    let pending = save.pending();
    let locked = Signal::derive(move || !editable.get() || pending.get());

    view! {
        <form class="grants" aria-labelledby="user-grants-title" novalidate on:submit=on_submit>
            <fieldset class="grants__fieldset" disabled=move || !editable.get()>
                <legend class="visually-hidden">"Permissions by MCP server"</legend>
                <Show
                    when=move || rows.with(|r| !r.is_empty())
                    fallback=|| view! { <p class="muted">"No MCP servers are visible to this user's organization yet."</p> }
                >
                    <ul class="grant-list">
                        <Keyed
                            each=move || rows.get()
                            key=|row| row.id
                            children=move |row| {
                                let errors = row_errors(row.id);
                                view! { <GrantRow row draft errors locked /> }
                            }
                        />
                    </ul>
                </Show>
            </fieldset>
            <LoadMore next action=load_more what="servers" />
            {move || other_error().map(|e| view! { <p class="inline-error" role="alert">{format!("Could not save the permissions: {e}")}</p> })}
            <Show when=move || editable.get()>
                <div class="form-actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        "Save permissions"
                    </button>
                    <button type="button" class="button button--ghost" disabled=move || !dirty() || pending.get() on:click=reset>
                        "Undo changes"
                    </button>
                    <span class="muted small" role="status" data-testid="grants-status">
                        {move || if dirty() { Some("Unsaved changes.") } else if done.get() { Some("Permissions saved.") } else { None }}
                    </span>
                </div>
            </Show>
        </form>
    }
}

#[component]
fn GrantRow(row: Row, draft: RwSignal<Grants>, errors: Signal<Vec<String>>, locked: Signal<bool>) -> impl IntoView {
    let id = row.id;
    let name = format!("grant-{id}");
    let errors_id = format!("grant-{id}-errors");
    let described = errors_id.clone();
    let choice = memo(move || {
        draft.with(|d| match d.get(&id) {
            None => Choice::None,
            Some(Access::All) => Choice::All,
            Some(Access::Tools(_)) => Choice::Selected,
        })
    });
    let choose = move |to: Choice| {
        draft.update(|d| match to {
            Choice::None => {
                d.remove(&id);
            }
            Choice::All => {
                d.insert(id, Access::All);
            }
            // Keep a selection already made; start one empty.
            Choice::Selected => {
                if !matches!(d.get(&id), Some(Access::Tools(_))) {
                    d.insert(id, Access::Tools(BTreeSet::new()));
                }
            }
        })
    };
    let selected = Signal::derive(move || {
        draft.with(|d| match d.get(&id) {
            Some(Access::Tools(tools)) => tools.clone(),
            _ => BTreeSet::new(),
        })
    });
    let on_toggle = Callback::new(move |(tool, on): (String, bool)| {
        draft.update(|d| {
            if let Some(Access::Tools(tools)) = d.get_mut(&id) {
                if on {
                    tools.insert(tool);
                } else {
                    tools.remove(&tool);
                }
            }
        })
    });
    let radio = move |to: Choice, label: &'static str| {
        view! {
            <label class="checkbox grant-row__choice">
                <input
                    type="radio"
                    name=name.clone()
                    prop:checked=move || choice.get() == to
                    on:change=move |_| choose(to)
                />
                {format!(" {label}")}
            </label>
        }
    };
    let facts = match (row.tool_count, row.own) {
        (Some(n), own) => format!("{}, {n} tools", if own { "its own" } else { "global" }),
        (None, _) => "granted; not among the servers listed".to_owned(),
    };
    view! {
        <li class="grant-row" data-testid="grant-row" class:grant-row--invalid=move || errors.with(|e| !e.is_empty())>
            <fieldset class="grant-row__fieldset" aria-describedby=described>
                <legend class="grant-row__name">{row.name.clone()}</legend>
                <div class="grant-row__facts">
                    {row.status.map(|status| view! { <HealthBadge status=Signal::stored(status) /> })}
                    <span class="muted small">{facts}</span>
                </div>
                <div class="grant-row__choices">
                    {radio(Choice::None, "No access")}
                    {radio(Choice::All, "All tools (*)")}
                    {radio(Choice::Selected, "Selected tools")}
                </div>
                <ul class="field__errors" id=errors_id>
                    {move || errors.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
                <Show when=move || choice.get() == Choice::Selected>
                    <ToolPicker server=id selected on_toggle disabled=locked />
                </Show>
            </fieldset>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(server: Uuid, tools: &[&str]) -> GrantView {
        GrantView {
            server_id: server,
            server_name: "s".into(),
            tools: tools.iter().map(|t| (*t).to_owned()).collect(),
            granted_at: chrono::Utc::now(),
            granted_by: None,
        }
    }

    #[test]
    fn grants_round_trip_through_the_editor() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let grants = grants_of(&[view(b, &["echo", "add"]), view(a, &["*"])]);
        assert_eq!(grants[&a], Access::All);
        let request = request_of(&grants);
        // Server order: the order the server's `grants[i]` errors count in.
        assert_eq!(request.grants[0].server_id, a);
        assert_eq!(request.grants[0].tools, ["*"]);
        assert_eq!(request.grants[1].tools, ["add", "echo"]);
    }
}
