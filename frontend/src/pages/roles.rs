//! `/settings/roles`: the roles, what each grants (a roles × permissions matrix), and for
//! admins who may manage them, creating, editing and deleting roles (SPEC RBAC-1, RBAC-4).

mod editor;
mod matrix;
pub mod picker;

use leptos::prelude::*;
use omni_types::Permission;
use omni_types::rbac::{PermissionInfo, Role};
use uuid::Uuid;

use crate::components::error_panel::ErrorPanel;
use crate::components::modal::ConfirmDialog;
use crate::components::permission_required::RequirePermission;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, LocalAction, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_session};
use editor::RoleEditor;
use matrix::PermissionMatrix;

const SUMMARY: &str = "Roles bundle permissions; admins get them through the roles they hold.";

#[component]
pub fn RolesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::AdminsRead title=routes::ROLES.title summary=SUMMARY>
            <Roles />
        </RequirePermission>
    }
}

/// What the editor dialog is open for.
#[derive(Clone)]
enum Editing {
    New,
    Role(Role),
}

#[component]
fn Roles() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let can_manage = memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::AdminsManage))));
    let data = Loader::new(move || async move { futures::future::try_join(api.roles(), api.permissions()).await });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| data.refetch());
    let editing = RwSignal::new(None::<Editing>);
    let catalogue = RwSignal::new(Vec::<PermissionInfo>::new());

    let content = move || {
        Suspend::new(async move {
            match data.await {
                Ok((roles, permissions)) => {
                    catalogue.set(permissions.clone());
                    view! {
                        <RoleList roles=roles.clone() can_manage on_edit=Callback::new(move |role| editing.set(Some(Editing::Role(role)))) on_changed=reload />
                        <PermissionMatrix roles permissions />
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the roles" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    let editor = move || {
        editing.get().map(|editing_now| {
            let role = match editing_now {
                Editing::New => None,
                Editing::Role(role) => Some(role),
            };
            view! {
                <RoleEditor
                    role
                    catalogue=catalogue.get_untracked()
                    on_saved=Callback::new(move |_: Role| {
                        editing.set(None);
                        data.refetch();
                    })
                    on_close=Callback::new(move |()| editing.set(None))
                />
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::ROLES.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <Show when=move || can_manage.get()>
                <div class="page-header__actions">
                    <button
                        type="button"
                        class="button button--primary"
                        disabled=move || catalogue.with(Vec::is_empty)
                        on:click=move |_| editing.set(Some(Editing::New))
                    >
                        "New role"
                    </button>
                </div>
            </Show>
        </header>
        <div class="stack" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=RolesSkeleton set_pending=reloading>
                {content}
            </Transition>
        </div>
        {editor}
    }
}

#[component]
fn RoleList(
    roles: Vec<Role>,
    can_manage: Memo<bool>,
    on_edit: Callback<Role>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let deleting = RwSignal::new(None::<Role>);
    let delete = LocalAction::new(move |id: &Uuid| {
        let id = *id;
        async move { api.role_delete(id).await }
    });
    effect(move || {
        if let Some(Ok(())) = delete.value().get() {
            delete.value().set(None);
            deleting.set(None);
            on_changed.run(());
        }
    });
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let confirm = move || {
        deleting.get().map(|role| {
            let id = role.id;
            view! {
                <ConfirmDialog
                    title="Delete this role?"
                    message=format!("The role “{}” and its permission grants will be deleted. This cannot be undone.", role.name)
                    confirm_label="Delete role"
                    danger=true
                    pending=delete.pending()
                    error=delete_error
                    on_confirm=Callback::new(move |()| {
                        delete.dispatch(id);
                    })
                    on_close=Callback::new(move |()| {
                        delete.value().set(None);
                        deleting.set(None);
                    })
                />
            }
        })
    };

    if roles.is_empty() {
        return view! {
            <div class="empty-state">
                <h2 class="empty-state__title">"No roles"</h2>
                <p class="muted">"Roles appear here once created."</p>
            </div>
        }
        .into_any();
    }
    let rows = roles
        .into_iter()
        .map(|role| {
            let stored = StoredValue::new(role.clone());
            let name = role.name.clone();
            let in_use = role.admin_count > 0;
            let deletable = !role.built_in;
            view! {
                <tr role="row" class="settings-row" data-testid="role-row">
                    <td role="cell" data-label="Role">
                        <span>
                            <strong>{role.name.clone()}</strong>
                            {role.built_in.then(|| view! { <span class="status-badge status-badge--muted">"Built-in"</span> })}
                        </span>
                    </td>
                    <td role="cell" data-label="Description">
                        {if role.description.is_empty() { view! { <span class="muted">"—"</span> }.into_any() } else { role.description.clone().into_any() }}
                    </td>
                    <td role="cell" data-label="MFA">{if role.mfa_required { "Required" } else { "Optional" }}</td>
                    <td role="cell" data-label="Admins">{role.admin_count}</td>
                    <td role="cell" data-label="Permissions">{role.permissions.len()}</td>
                    <td role="cell" class="settings-row__actions">
                        <Show when=move || can_manage.get()>
                            <button
                                type="button"
                                class="button button--ghost button--small"
                                aria-label=format!("Edit {}", stored.with_value(|r| r.name.clone()))
                                on:click=move |_| on_edit.run(stored.get_value())
                            >
                                "Edit"
                            </button>
                            {deletable
                                .then(|| {
                                    let name = name.clone();
                                    view! {
                                        <button
                                            type="button"
                                            class="button button--ghost button--small button--danger-text"
                                            aria-label=format!("Delete {name}")
                                            title=in_use.then_some("Admins still hold this role: take it from them first.")
                                            on:click=move |_| deleting.set(Some(stored.get_value()))
                                        >
                                            "Delete"
                                        </button>
                                    }
                                })}
                        </Show>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card card--flush" aria-labelledby="roles-list-title">
            <h2 id="roles-list-title" class="card__title card__title--padded">"Roles"</h2>
            <table class="settings-table settings-table--inner" role="table">
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">"Role"</th>
                        <th scope="col" role="columnheader">"Description"</th>
                        <th scope="col" role="columnheader">"MFA"</th>
                        <th scope="col" role="columnheader">"Admins"</th>
                        <th scope="col" role="columnheader">"Permissions"</th>
                        <th scope="col" role="columnheader">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody role="rowgroup">{rows}</tbody>
            </table>
        </section>
        {confirm}
    }
    .into_any()
}

#[component]
fn RolesSkeleton() -> impl IntoView {
    let rows = (0..5)
        .map(|_| {
            view! {
                <div class="settings-skeleton__row">
                    <SkeletonLine width="15%" />
                    <SkeletonLine width="40%" />
                    <SkeletonLine width="10%" />
                    <SkeletonLine width="10%" />
                </div>
            }
        })
        .collect_view();
    view! {
        <SkeletonBlock label="Loading the roles…">
            <div class="card settings-skeleton">{rows}</div>
        </SkeletonBlock>
    }
}
