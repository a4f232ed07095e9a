//! `/settings/admins/{id}`: one admin. Their name and roles, enabling and disabling,
//! resetting a forgotten password or a lost authenticator, and "can they…?".

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use omni_types::Permission;
use omni_types::admins::{Admin, UpdateAdmin};
use omni_types::rbac::Role;
use uuid::Uuid;

use super::check::PermissionCheck;
use super::create::{RoleChoices, check_name};
use super::list::{RoleBadges, StatusBadge};
use super::{use_can_manage, use_roles};
use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::field::TextField;
use crate::components::local_time::LocalTime;
use crate::components::modal::{ConfirmDialog, Modal};
use crate::components::permission_required::RequirePermission;
use crate::components::secret::OnceSecret;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, LocalAction, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_session};

#[component]
pub fn AdminDetailPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::AdminsRead title="Admin" summary="One admin of this console.">
            <AdminDetail />
        </RequirePermission>
    }
}

#[component]
fn AdminDetail() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = memo(move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    let admin = Loader::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api.admin(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| admin.refetch());
    let content = move || {
        Suspend::new(async move {
            match admin.await {
                Ok(Some(found)) => view! { <AdminView admin=found /> }.into_any(),
                Ok(None) => not_found().into_any(),
                Err(error) if error.status() == Some(404) => not_found().into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not load the admin" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <p class="back-link">
            <A href=routes::ADMINS.href()>"← All admins"</A>
        </p>
        <Transition fallback=DetailSkeleton set_pending=reloading>
            {content}
        </Transition>
    }
}

fn not_found() -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>"Admin not found"</h1>
        </header>
        <div class="alert alert--error" role="alert">
            <p>"There is no admin at this address. The link may be mistyped, or the id is not one."</p>
        </div>
    }
}

/// What the admin's page can do to them; all but the edit form confirm first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Disable,
    Enable,
    ResetPassword,
    ResetMfa,
}

impl Operation {
    fn title(self) -> &'static str {
        match self {
            Operation::Disable => "Disable this admin?",
            Operation::Enable => "Enable this admin?",
            Operation::ResetPassword => "Reset the password?",
            Operation::ResetMfa => "Reset MFA?",
        }
    }

    fn message(self, name: &str) -> String {
        match self {
            Operation::Disable => format!(
                "{name} will be signed out everywhere and cannot sign in until enabled again. Their API tokens stop working too."
            ),
            Operation::Enable => format!("{name} will be able to sign in again with their roles."),
            Operation::ResetPassword => format!(
                "{name}'s password is replaced by a temporary one, shown to you once. They must choose a new password when they next sign in."
            ),
            Operation::ResetMfa => format!(
                "{name}'s authenticator app and backup codes are removed. If a role requires MFA, they set up a new authenticator at their next sign-in."
            ),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Operation::Disable => "Disable admin",
            Operation::Enable => "Enable admin",
            Operation::ResetPassword => "Reset password",
            Operation::ResetMfa => "Reset MFA",
        }
    }
}

#[derive(Clone)]
enum Outcome {
    Updated(Admin),
    TemporaryPassword(String),
    MfaReset,
}

#[component]
fn AdminView(admin: Admin) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let can_manage = use_can_manage();
    let roles = use_roles();
    let id = admin.id;
    let is_self = session.with_admin(|me| me.is_some_and(|me| me.id == id));
    let current = RwSignal::new(admin);
    let confirming = RwSignal::new(None::<Operation>);
    let temporary = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<&'static str>);

    let operate = LocalAction::new(move |operation: &Operation| {
        let operation = *operation;
        async move {
            let disabled = |disabled| UpdateAdmin {
                disabled: Some(disabled),
                ..UpdateAdmin::default()
            };
            match operation {
                Operation::Disable => api.admin_update(id, &disabled(true)).await.map(Outcome::Updated),
                Operation::Enable => api.admin_update(id, &disabled(false)).await.map(Outcome::Updated),
                Operation::ResetPassword => api
                    .admin_reset_password(id)
                    .await
                    .map(|reset| Outcome::TemporaryPassword(reset.temporary_password)),
                Operation::ResetMfa => api.admin_reset_mfa(id).await.map(|()| Outcome::MfaReset),
            }
        }
    });
    effect(move || {
        let Some(Ok(outcome)) = operate.value().get() else {
            return;
        };
        operate.value().set(None);
        confirming.set(None);
        match outcome {
            Outcome::Updated(admin) => {
                notice.set(Some(if admin.disabled {
                    "The admin is disabled."
                } else {
                    "The admin is enabled."
                }));
                current.set(admin);
            }
            Outcome::TemporaryPassword(password) => temporary.set(Some(password)),
            Outcome::MfaReset => notice.set(Some("MFA was reset.")),
        }
    });
    let operate_error = Signal::derive(move || operate.value().get().and_then(Result::err));
    let confirm = move || {
        confirming.get().map(|operation| {
            let name = current.with_untracked(|a| a.display_name.clone());
            view! {
                <ConfirmDialog
                    title=operation.title()
                    message=operation.message(&name)
                    confirm_label=operation.label()
                    danger=operation != Operation::Enable
                    pending=operate.pending()
                    error=operate_error
                    on_confirm=Callback::new(move |()| {
                        operate.dispatch(operation);
                    })
                    on_close=Callback::new(move |()| {
                        operate.value().set(None);
                        confirming.set(None);
                    })
                />
            }
        })
    };
    let reset_button = NodeRef::<html::Button>::new();
    let password_dialog = move || {
        temporary.get().map(|password| {
            let close = Callback::new(move |()| temporary.set(None));
            view! {
                <Modal title="Temporary password" on_close=close return_focus=reset_button>
                    <OnceSecret
                        id="temporary-password"
                        label="Temporary password"
                        value=password
                        note="Give it to the admin over a safe channel. It cannot be shown again; they must replace it when they sign in."
                    />
                    <div class="modal__actions">
                        <button type="button" class="button button--primary" on:click=move |_| close.run(())>
                            "Done"
                        </button>
                    </div>
                </Modal>
            }
        })
    };
    let ask = move |operation: Operation| {
        notice.set(None);
        confirming.set(Some(operation));
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{move || current.with(|a| a.display_name.clone())}</h1>
                <p class="muted">
                    {move || current.with(|a| a.email.clone())} " " {move || view! { <StatusBadge disabled=current.with(|a| a.disabled) /> }}
                </p>
            </div>
        </header>
        {move || notice.get().map(|text| view! { <p class="alert alert--success" role="status">{text}</p> })}
        <div class="stack">
            <section class="card" aria-labelledby="admin-account-title">
                <h2 id="admin-account-title" class="card__title">"Account"</h2>
                {move || {
                    let admin = current.get();
                    view! {
                        <dl class="details">
                            <dt>"Email"</dt>
                            <dd>{admin.email}</dd>
                            <dt>"Roles"</dt>
                            <dd><RoleBadges roles=admin.roles /></dd>
                            <dt>"Created"</dt>
                            <dd><LocalTime at=admin.created_at /></dd>
                            <dt>"Last sign-in"</dt>
                            <dd>
                                {match admin.last_login_at {
                                    Some(at) => view! { <LocalTime at /> }.into_any(),
                                    None => "Never".into_any(),
                                }}
                            </dd>
                            <dt>"Admin id"</dt>
                            <dd><code>{admin.id.to_string()}</code></dd>
                        </dl>
                    }
                }}
            </section>
            <Show when=move || can_manage.get()>
                <section class="card" aria-labelledby="admin-edit-title">
                    <h2 id="admin-edit-title" class="card__title">"Name and roles"</h2>
                    {move || Suspend::new(async move {
                        match roles.await {
                            Ok(roles) => view! { <EditAdmin admin=current.get_untracked() roles on_saved=Callback::new(move |admin| {
                                notice.set(Some("Changes saved."));
                                current.set(admin);
                            }) /> }
                            .into_any(),
                            Err(error) => view! {
                                <ErrorPanel title="Could not load the roles" error on_retry=Callback::new(move |()| roles.refetch()) />
                            }
                            .into_any(),
                        }
                    })}
                </section>
                <section class="card" aria-labelledby="admin-access-title">
                    <h2 id="admin-access-title" class="card__title">"Access"</h2>
                    <div class="action-list">
                        <div class="action-list__item">
                            <div>
                                <h3>{move || if current.with(|a| a.disabled) { "Enable" } else { "Disable" }}</h3>
                                <p class="muted small">
                                    {if is_self {
                                        "You cannot disable yourself."
                                    } else {
                                        "A disabled admin is signed out everywhere and cannot sign in."
                                    }}
                                </p>
                            </div>
                            <button
                                type="button"
                                class="button button--secondary"
                                disabled=is_self
                                on:click=move |_| ask(if current.with_untracked(|a| a.disabled) { Operation::Enable } else { Operation::Disable })
                            >
                                {move || if current.with(|a| a.disabled) { "Enable admin" } else { "Disable admin" }}
                            </button>
                        </div>
                        <div class="action-list__item">
                            <div>
                                <h3>"Password"</h3>
                                <p class="muted small">"Replace a forgotten password with a temporary one."</p>
                            </div>
                            <button
                                type="button"
                                class="button button--secondary"
                                node_ref=reset_button
                                on:click=move |_| ask(Operation::ResetPassword)
                            >
                                "Reset password"
                            </button>
                        </div>
                        <div class="action-list__item">
                            <div>
                                <h3>"Multi-factor authentication"</h3>
                                <p class="muted small">"Remove a lost authenticator so the admin can set up a new one."</p>
                            </div>
                            <button type="button" class="button button--secondary" on:click=move |_| ask(Operation::ResetMfa)>
                                "Reset MFA"
                            </button>
                        </div>
                    </div>
                </section>
            </Show>
            <PermissionCheck admin=id />
        </div>
        {confirm}
        {password_dialog}
    }
}

#[component]
fn EditAdmin(admin: Admin, roles: Vec<Role>, on_saved: Callback<Admin>) -> impl IntoView {
    let api = use_api();
    let id = admin.id;
    let name = RwSignal::new(admin.display_name.clone());
    let chosen = RwSignal::new(admin.roles.iter().cloned().collect::<BTreeSet<_>>());
    let save = LocalAction::new(move |change: &UpdateAdmin| {
        let change = change.clone();
        async move { api.admin_update(id, &change).await }
    });
    effect(move || {
        if let Some(Ok(admin)) = save.value().get() {
            on_saved.run(admin);
        }
    });
    let server = move || save.value().get().and_then(Result::err);
    let server_errors = move |field: &'static str| server().map(|e| e.field_errors(field).to_vec()).unwrap_or_default();
    let name_errors = Signal::derive(move || {
        let mut errors = check_name(&name.get());
        errors.extend(server_errors("display_name"));
        errors
    });
    let role_errors = Signal::derive(move || {
        let mut errors = if chosen.with(BTreeSet::is_empty) {
            vec!["need at least one role".to_owned()]
        } else {
            Vec::new()
        };
        errors.extend(server_errors("roles"));
        errors
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !name_errors.get_untracked().is_empty() || chosen.with_untracked(BTreeSet::is_empty) {
            return;
        }
        save.dispatch(UpdateAdmin {
            display_name: Some(name.get_untracked().trim().to_owned()),
            roles: Some(chosen.get_untracked().into_iter().collect()),
            disabled: None,
        });
    };
    let pending = save.pending();
    view! {
        <form class="settings-form" on:submit=on_submit novalidate>
            <TextField id="admin-edit-name" label="Name" kind="text" value=name errors=name_errors />
            <RoleChoices id="admin-edit-role" roles selected=chosen errors=role_errors />
            {move || {
                server()
                    .filter(|e: &ApiError| e.needs_own_message(&["display_name", "roles"]))
                    .map(|error| view! { <p class="inline-error" role="alert">{format!("Could not save: {error}")}</p> })
            }}
            <div class="form-actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Save changes"
                </button>
            </div>
        </form>
    }
}

#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading the admin…">
            <div class="stack">
                <SkeletonLine width="14rem" tall=true />
                <div class="card">
                    <SkeletonLine width="40%" />
                    <SkeletonLine width="60%" />
                    <SkeletonLine width="35%" />
                </div>
                <div class="card">
                    <SkeletonLine width="50%" />
                    <SkeletonLine width="30%" />
                </div>
            </div>
        </SkeletonBlock>
    }
}
