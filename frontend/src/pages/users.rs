//! `/users`: hub users, the people who call MCP tools through the hub (SPEC USER-1..4);
//! not the admins of this console. The list with its filters is here; the "New user"
//! dialog is `create`, one user is `detail`, the CSV import is `import`.

mod create;
mod detail;
mod effective;
mod external_ids;
mod grants;
mod import;
mod list;
mod profile;
mod reason;
mod test_call;
mod tools;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use omni_types::Permission;
use omni_types::hub_users::{HubRole, HubUser};

use crate::api::UserFilter;
use crate::components::error_panel::load_failure;
use crate::components::org_select::OrgSelect;
use crate::components::permission_required::RequirePermission;
use crate::reactive::{Loader, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_scope, use_session};
pub use create::NewUserDialog;
pub use detail::UserDetailPage;
pub use import::UsersImportPage;
pub use list::UserTable;
use list::{UserList, UsersSkeleton};

const SUMMARY: &str = "The people who call MCP tools through your hub, their organizations and what they may call.";

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::UsersRead title=routes::USERS.title summary=SUMMARY>
            <Users />
        </RequirePermission>
    }
}

/// Whether the signed-in admin may create, change, import and delete hub users.
fn use_can_write() -> Memo<bool> {
    let session = use_session();
    memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::UsersWrite))))
}

pub fn role_label(role: HubRole) -> &'static str {
    match role {
        HubRole::Viewer => "Viewer",
        HubRole::Member => "Member",
        HubRole::Admin => "Admin",
    }
}

/// What each role may do, for the forms.
pub fn role_hint(role: HubRole) -> &'static str {
    match role {
        HubRole::Viewer => "Viewer: only read-only tools",
        HubRole::Member => "Member: the tools granted",
        HubRole::Admin => "Admin: the tools granted, and manages the organization on the hub",
    }
}

#[component]
fn Users() -> impl IntoView {
    let api = use_api();
    let scope = use_scope();
    let can_write = use_can_write();
    let navigate = use_navigate();
    // An organization scope ("Open as admin") narrows the list to it, and follows the chip.
    let scoped = move || scope.organization().map(|org| org.id.to_string()).unwrap_or_default();
    let filter = RwSignal::new(UserFilter {
        organization: untrack(scoped),
        ..UserFilter::default()
    });
    Effect::new(move |previous: Option<String>| {
        let now = scoped();
        if previous.is_some_and(|p| p != now) {
            filter.update(|f| f.organization = now.clone());
        }
        now
    });
    let users = Loader::new(move || {
        let filter = filter.get();
        async move { api.users(&filter, None).await.map(|page| (filter, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| users.refetch());
    let adding = RwSignal::new(false);
    let open_form = Callback::new(move |()| adding.set(true));

    let list = move || {
        Suspend::new(async move {
            match users.await {
                Ok((applied, first)) => view! {
                    <UserList
                        filter=applied
                        first
                        on_clear=Callback::new(move |()| filter.set(UserFilter::default()))
                        on_add=can_write.get_untracked().then_some(open_form)
                    />
                }
                .into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::UsersRead,
                    "Could not load the users",
                    reload,
                    reloading,
                ),
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::USERS.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <Show when=move || can_write.get()>
                <div class="page-header__actions">
                    <A href=routes::users_import_href() attr:class="button button--secondary">"Import CSV"</A>
                    <button type="button" class="button button--primary" on:click=move |_| adding.set(true)>
                        "New user"
                    </button>
                </div>
            </Show>
        </header>
        <UserFilters filter />
        <section class="settings-list" aria-label="Users" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=UsersSkeleton set_pending=reloading>
                {list}
            </Transition>
        </section>
        <Show when=move || adding.get()>
            <NewUserDialog
                organization=scope.organization()
                on_created=Callback::new({
                    let navigate = navigate.clone();
                    move |user: HubUser| navigate(&routes::USERS.item_href(user.id), NavigateOptions::default())
                })
                on_close=Callback::new(move |()| adding.set(false))
            />
        </Show>
    }
}

/// Search (on Enter); organization, role, status and sort as soon as they change.
#[component]
fn UserFilters(filter: RwSignal<UserFilter>) -> impl IntoView {
    let scope = use_scope();
    let q = RwSignal::new(filter.get_untracked().q);
    // "Clear filters" (from the empty state) clears the typed text too.
    effect(move || q.set(filter.with(|f| f.q.clone())));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = q.get_untracked().trim().to_owned();
        filter.update(|f| f.q = text);
    };
    let roles = HubRole::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str()>{role_label(*r)}</option> })
        .collect_view();
    view! {
        <form class="card filters settings-filters" role="search" aria-label="Filter the users" on:submit=on_submit>
            <div class="field">
                <label class="field__label" for="users-q">"Search"</label>
                <input
                    id="users-q"
                    class="input"
                    type="search"
                    placeholder="Name or email"
                    prop:value=move || q.get()
                    on:input:target=move |ev| q.set(ev.target().value())
                />
            </div>
            {move || {
                // Rebuilt when the scope changes, so the scoped organization is always offered.
                let current = scope.organization();
                view! {
                    <OrgSelect
                        id="users-organization"
                        label="Organization"
                        value=Signal::derive(move || filter.with(|f| f.organization.clone()))
                        on_change=Callback::new(move |organization: String| filter.update(|f| f.organization = organization))
                        fixed=&[("", "Any organization")]
                        current
                    />
                }
            }}
            <div class="field">
                <label class="field__label" for="users-role">"Role"</label>
                <select
                    id="users-role"
                    class="input"
                    prop:value=move || filter.with(|f| f.role.clone())
                    on:change=move |ev| {
                        let role = event_target_value(&ev);
                        filter.update(|f| f.role = role);
                    }
                >
                    <option value="">"Any role"</option>
                    {roles}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="users-enabled">"Status"</label>
                <select
                    id="users-enabled"
                    class="input"
                    prop:value=move || filter.with(|f| f.enabled.clone())
                    on:change=move |ev| {
                        let enabled = event_target_value(&ev);
                        filter.update(|f| f.enabled = enabled);
                    }
                >
                    <option value="">"Any status"</option>
                    <option value="true">"Enabled"</option>
                    <option value="false">"Disabled"</option>
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="users-sort">"Sort"</label>
                <select
                    id="users-sort"
                    class="input"
                    prop:value=move || filter.with(|f| f.sort.clone())
                    on:change=move |ev| {
                        let sort = event_target_value(&ev);
                        filter.update(|f| f.sort = sort);
                    }
                >
                    <option value="">"Name, A to Z"</option>
                    <option value="-name">"Name, Z to A"</option>
                    <option value="email">"Email"</option>
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
