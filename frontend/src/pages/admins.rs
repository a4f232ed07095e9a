//! `/settings/admins`: who can sign in to this console, with which roles (SPEC RBAC-4).
//! The list with its filters is here; adding an admin is `create`, one admin is `detail`.

mod check;
mod create;
mod detail;
mod list;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::Permission;
use omni_types::rbac::Role;

use crate::api::{AdminFilter, ApiError};
use crate::components::error_panel::load_failure;
use crate::components::permission_required::RequirePermission;
use crate::reactive::{Loader, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_session};
use create::AddAdminDialog;
pub use detail::AdminDetailPage;
use list::{AdminList, AdminsSkeleton};

const SUMMARY: &str = "The people who can sign in to this console, and the roles that decide what they may do.";

#[component]
pub fn AdminsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::AdminsRead title=routes::ADMINS.title summary=SUMMARY>
            <Admins />
        </RequirePermission>
    }
}

/// Whether the signed-in admin may change admins and roles.
fn use_can_manage() -> Memo<bool> {
    let session = use_session();
    memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::AdminsManage))))
}

/// The roles, for the filter and the forms. A failure shows where they are needed.
fn use_roles() -> Loader<Result<Vec<Role>, ApiError>> {
    let api = use_api();
    Loader::new(move || async move { api.roles().await })
}

#[component]
fn Admins() -> impl IntoView {
    let api = use_api();
    let can_manage = use_can_manage();
    let roles = use_roles();
    let filter = RwSignal::new(AdminFilter::default());
    let admins = Loader::new(move || {
        let filter = filter.get();
        async move { api.admins_list(&filter, None).await.map(|page| (filter, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| admins.refetch());
    let adding = RwSignal::new(false);

    let list = move || {
        Suspend::new(async move {
            match admins.await {
                Ok((applied, first)) => view! {
                    <AdminList filter=applied first on_clear=Callback::new(move |()| filter.set(AdminFilter::default())) />
                }
                .into_any(),
                Err(error) => load_failure(error, Permission::AdminsRead, "Could not load the admins", reload, reloading),
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::ADMINS.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <Show when=move || can_manage.get()>
                <div class="page-header__actions">
                    <button type="button" class="button button--primary" on:click=move |_| adding.set(true)>
                        "Add admin"
                    </button>
                </div>
            </Show>
        </header>
        <AdminFilters filter roles />
        <section class="settings-list" aria-label="Admins" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=AdminsSkeleton set_pending=reloading>
                {list}
            </Transition>
        </section>
        <Show when=move || adding.get()>
            <AddAdminDialog
                roles
                on_created=Callback::new(move |()| admins.refetch())
                on_close=Callback::new(move |()| adding.set(false))
            />
        </Show>
    }
}

/// Search, status and role. The search applies on Enter; the selects as soon as they change.
#[component]
fn AdminFilters(filter: RwSignal<AdminFilter>, roles: Loader<Result<Vec<Role>, ApiError>>) -> impl IntoView {
    let q = RwSignal::new(filter.get_untracked().q);
    // Clearing from the empty state resets the form too.
    effect(move || q.set(filter.with(|f| f.q.clone())));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = q.get_untracked().trim().to_owned();
        filter.update(|f| f.q = text);
    };
    let role_options = move || {
        roles
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|role| {
                let name = role.name.clone();
                view! { <option value=name.clone() selected=move || filter.with(|f| f.role == name)>{role.name}</option> }
            })
            .collect_view()
    };
    view! {
        <form class="card filters settings-filters" role="search" aria-label="Filter the admins" on:submit=on_submit>
            <div class="field">
                <label class="field__label" for="admins-q">"Search"</label>
                <input
                    id="admins-q"
                    class="input"
                    type="search"
                    placeholder="Email or name"
                    prop:value=move || q.get()
                    on:input:target=move |ev| q.set(ev.target().value())
                />
            </div>
            <div class="field">
                <label class="field__label" for="admins-status">"Status"</label>
                <select
                    id="admins-status"
                    class="input"
                    prop:value=move || filter.with(|f| f.status.clone())
                    on:change=move |ev| {
                        let status = event_target_value(&ev);
                        filter.update(|f| f.status = status);
                    }
                >
                    <option value="">"Any status"</option>
                    <option value="active">"Active"</option>
                    <option value="disabled">"Disabled"</option>
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="admins-role">"Role"</label>
                <select
                    id="admins-role"
                    class="input"
                    on:change=move |ev| {
                        let role = event_target_value(&ev);
                        filter.update(|f| f.role = role);
                    }
                >
                    <option value="" selected=move || filter.with(|f| f.role.is_empty())>"Any role"</option>
                    {role_options}
                </select>
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--secondary">"Search"</button>
            </div>
        </form>
    }
}
