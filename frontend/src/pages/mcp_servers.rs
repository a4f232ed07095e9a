//! `/mcp-servers`: the MCP servers the hub offers, their live health and tools
//! (SPEC MCP-1..4). The list is here; the form is `form`, one server is `detail`.

mod detail;
mod form;
mod health;
mod list;
mod status;
mod tools;

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::mcp::{HealthStatus, Transport};

use crate::api::McpFilter;
use crate::components::error_panel::load_failure;
use crate::components::org_select::OrgSelect;
use crate::components::permission_required::RequirePermission;
use crate::reactive::{Loader, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_session};
pub use detail::McpServerDetailPage;
use form::ServerForm;
pub use list::ServerTable;
use list::{Layout, ServerList, ServersSkeleton};
pub use status::{HealthBadge, latency, tone as health_tone};

const SUMMARY: &str =
    "The MCP servers your hub offers: their health, checked with a real MCP session, and their tools.";
/// How often the list and a server's page ask again while live updates are down.
const REFRESH: Duration = Duration::from_secs(10);
/// And while they are up: health flips come live, each check's time and latency do not.
const REFRESH_WHEN_LIVE: Duration = Duration::from_secs(60);

#[component]
pub fn McpServersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::McpRead title=routes::MCP_SERVERS.title summary=SUMMARY>
            <Servers />
        </RequirePermission>
    }
}

/// Whether the signed-in admin may change servers.
fn use_can_write() -> Memo<bool> {
    let session = use_session();
    memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::McpWrite))))
}

#[component]
fn Servers() -> impl IntoView {
    let api = use_api();
    let can_write = use_can_write();
    let filter = RwSignal::new(McpFilter::default());
    let layout = RwSignal::new(Layout::Cards);
    let servers = Loader::new(move || {
        let filter = filter.get();
        async move { api.mcp_servers(&filter, None).await.map(|page| (filter, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| servers.refetch());
    let adding = RwSignal::new(false);
    let open_form = Callback::new(move |()| adding.set(true));

    let list = move || {
        Suspend::new(async move {
            match servers.await {
                Ok((applied, first)) => view! {
                    <ServerList
                        filter=applied
                        first
                        layout=layout.into()
                        on_clear=Callback::new(move |()| filter.set(McpFilter::default()))
                        on_reload=reload
                        on_add=can_write.get_untracked().then_some(open_form)
                    />
                }
                .into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::McpRead,
                    "Could not load the MCP servers",
                    reload,
                    reloading,
                ),
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::MCP_SERVERS.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <div class="page-header__actions">
                <div class="segmented" role="group" aria-label="Layout">
                    <button
                        type="button"
                        class="segmented__option"
                        aria-pressed=move || (layout.get() == Layout::Cards).to_string()
                        on:click=move |_| layout.set(Layout::Cards)
                    >
                        "Cards"
                    </button>
                    <button
                        type="button"
                        class="segmented__option"
                        aria-pressed=move || (layout.get() == Layout::Table).to_string()
                        on:click=move |_| layout.set(Layout::Table)
                    >
                        "Table"
                    </button>
                </div>
                <Show when=move || can_write.get()>
                    <button type="button" class="button button--primary" on:click=move |_| adding.set(true)>
                        "Add MCP server"
                    </button>
                </Show>
            </div>
        </header>
        <ServerFilters filter />
        <section class="settings-list" aria-label="MCP servers" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=ServersSkeleton set_pending=reloading>
                {list}
            </Transition>
        </section>
        <Show when=move || adding.get()>
            <ServerForm
                server=None
                on_saved=Callback::new(move |_| servers.refetch())
                on_close=Callback::new(move |()| adding.set(false))
            />
        </Show>
    }
}

/// Search (on Enter), status, transport, owner, tag and sort (as soon as they change).
#[component]
fn ServerFilters(filter: RwSignal<McpFilter>) -> impl IntoView {
    let session = use_session();
    // Organizations are listed for admins who may see them.
    let can_see_orgs = session.with_admin(|a| a.is_some_and(|a| a.can(Permission::OrgsRead)));
    let q = RwSignal::new(filter.get_untracked().q);
    let tag = RwSignal::new(filter.get_untracked().tag);
    // "Clear filters" (from the empty state) clears the typed text too; picking a status
    // or sort leaves what is typed alone.
    effect(move || {
        if filter.with(|f| f == &McpFilter::default()) {
            q.set(String::new());
            tag.set(String::new());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (text, tag) = (
            q.get_untracked().trim().to_owned(),
            tag.get_untracked().trim().to_lowercase(),
        );
        filter.update(|f| {
            f.q = text;
            f.tag = tag;
        });
    };
    let statuses = HealthStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str()>{status::label(*s)}</option> })
        .collect_view();
    view! {
        <form class="card filters settings-filters" role="search" aria-label="Filter the MCP servers" on:submit=on_submit>
            <div class="field">
                <label class="field__label" for="mcp-q">"Search"</label>
                <input
                    id="mcp-q"
                    class="input"
                    type="search"
                    placeholder="Name or description"
                    prop:value=move || q.get()
                    on:input:target=move |ev| q.set(ev.target().value())
                />
            </div>
            <div class="field">
                <label class="field__label" for="mcp-status">"Status"</label>
                <select
                    id="mcp-status"
                    class="input"
                    prop:value=move || filter.with(|f| f.status.clone())
                    on:change=move |ev| {
                        let status = event_target_value(&ev);
                        filter.update(|f| f.status = status);
                    }
                >
                    <option value="">"Any status"</option>
                    {statuses}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="mcp-transport">"Transport"</label>
                <select
                    id="mcp-transport"
                    class="input"
                    prop:value=move || filter.with(|f| f.transport.clone())
                    on:change=move |ev| {
                        let transport = event_target_value(&ev);
                        filter.update(|f| f.transport = transport);
                    }
                >
                    <option value="">"Any transport"</option>
                    <option value=Transport::StreamableHttp.as_str()>"Streamable HTTP"</option>
                    <option value=Transport::Stdio.as_str()>"stdio (run by the hub)"</option>
                </select>
            </div>
            {can_see_orgs.then(|| view! {
                <OrgSelect
                    id="mcp-organization"
                    label="Organization"
                    value=Signal::derive(move || filter.with(|f| f.organization.clone()))
                    on_change=Callback::new(move |organization: String| filter.update(|f| f.organization = organization))
                    fixed=&[("", "Any owner"), ("global", "Global (no owner)")]
                />
            })}
            <div class="field">
                <label class="field__label" for="mcp-tag">"Tag"</label>
                <input
                    id="mcp-tag"
                    class="input"
                    type="text"
                    placeholder="e.g. prod"
                    prop:value=move || tag.get()
                    on:input:target=move |ev| tag.set(ev.target().value())
                />
            </div>
            <div class="field">
                <label class="field__label" for="mcp-sort">"Sort"</label>
                <select
                    id="mcp-sort"
                    class="input"
                    prop:value=move || filter.with(|f| f.sort.clone())
                    on:change=move |ev| {
                        let sort = event_target_value(&ev);
                        filter.update(|f| f.sort = sort);
                    }
                >
                    <option value="">"Name, A to Z"</option>
                    <option value="-name">"Name, Z to A"</option>
                    <option value="status">"Status"</option>
                    <option value="-created_at">"Newest first"</option>
                    <option value="created_at">"Oldest first"</option>
                </select>
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--secondary">"Search"</button>
            </div>
        </form>
    }
}
