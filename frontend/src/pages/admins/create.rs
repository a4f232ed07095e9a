//! The "Add admin" dialog. Without a password the server generates one; it is shown here
//! once, to hand to the new admin.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::admins::{CreateAdmin, CreatedAdmin};
use omni_types::rbac::Role;

use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{TextField, check_email};
use crate::components::modal::Modal;
use crate::components::secret::OnceSecret;
use crate::reactive::{Loader, LocalAction, Show, Transition, effect};
use crate::state::use_api;

const FIELDS: [&str; 4] = ["email", "display_name", "roles", "password"];
pub const PASSWORD_MIN: usize = 12;

#[component]
pub fn AddAdminDialog(
    roles: Loader<Result<Vec<Role>, ApiError>>,
    on_created: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let created = RwSignal::new(None::<CreatedAdmin>);
    let title = Signal::derive(move || {
        if created.with(Option::is_some) {
            "Admin added".to_owned()
        } else {
            "Add admin".to_owned()
        }
    });
    let reloading = RwSignal::new(false);
    let body = move || {
        if let Some(done) = created.get() {
            return view! { <Created created=done on_close /> }.into_any();
        }
        Suspend::new(async move {
            match roles.await {
                Ok(roles) => view! {
                    <AddAdminForm
                        roles
                        on_created=Callback::new(move |done: CreatedAdmin| {
                            created.set(Some(done));
                            on_created.run(());
                        })
                        on_cancel=on_close
                    />
                }
                .into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not load the roles" error on_retry=Callback::new(move |()| roles.refetch()) retrying=reloading />
                }
                .into_any(),
            }
        })
        .into_any()
    };
    view! {
        <Modal title on_close>
            <Transition fallback=|| view! { <p class="muted">"Loading roles…"</p> } set_pending=reloading>
                {body}
            </Transition>
        </Modal>
    }
}

#[component]
fn AddAdminForm(roles: Vec<Role>, on_created: Callback<CreatedAdmin>, on_cancel: Callback<()>) -> impl IntoView {
    let api = use_api();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let attempted = RwSignal::new(false);
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let touch = move |field: &'static str| {
        Callback::new(move |()| {
            touched.update(|t| {
                t.insert(field);
            })
        })
    };
    let shown = move |field: &'static str| attempted.get() || touched.with(|t| t.contains(field));
    let email_input = NodeRef::<html::Input>::new();

    let create = LocalAction::new(move |body: &CreateAdmin| {
        let body = body.clone();
        async move { api.admin_create(&body).await }
    });
    effect(move || {
        if let Some(Ok(done)) = create.value().get() {
            on_created.run(done);
        }
    });
    let server = move || create.value().get().and_then(Result::err);
    let server_errors = move |field: &'static str| server().map(|e| e.field_errors(field).to_vec()).unwrap_or_default();
    let with_server = move |field: &'static str, mut live: Vec<String>| {
        if !shown(field) {
            live.clear();
        }
        live.extend(server_errors(field));
        live
    };
    let email_errors = Signal::derive(move || with_server("email", check_email(&email.get())));
    // Optional: the server names the admin after their email when it is left empty.
    let name_errors = Signal::derive(move || with_server("display_name", Vec::new()));
    let password_errors = Signal::derive(move || with_server("password", check_password(&password.get())));
    let role_errors = Signal::derive(move || {
        let live = if chosen.with(BTreeSet::is_empty) {
            vec!["need at least one role".to_owned()]
        } else {
            Vec::new()
        };
        with_server("roles", live)
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let (email_value, name_value, password_value) =
            (email.get_untracked(), name.get_untracked(), password.get_untracked());
        let roles: Vec<String> = chosen.get_untracked().into_iter().collect();
        let valid =
            check_email(&email_value).is_empty() && check_password(&password_value).is_empty() && !roles.is_empty();
        if !valid {
            if let Some(input) = email_input
                .get_untracked()
                .filter(|_| !check_email(&email_value).is_empty())
            {
                let _ = input.focus();
            }
            return;
        }
        create.dispatch(CreateAdmin {
            email: email_value.trim().to_owned(),
            display_name: name_value.trim().to_owned(),
            roles,
            password: Some(password_value).filter(|p| !p.is_empty()),
        });
    };
    let pending = create.pending();

    view! {
        <form class="settings-form" on:submit=on_submit novalidate>
            <TextField id="admin-email" label="Email" kind="email" value=email errors=email_errors on_blur=touch("email") node_ref=email_input />
            <TextField id="admin-name" label="Name" kind="text" value=name errors=name_errors required=false on_blur=touch("display_name") />
            <RoleChoices id="admin-role" roles selected=chosen errors=role_errors />
            <TextField
                id="admin-password"
                label="Password"
                kind="password"
                value=password
                errors=password_errors
                required=false
                autocomplete="new-password"
                on_blur=touch("password")
            />
            <p class="muted small field__hint">
                {format!("Optional, at least {PASSWORD_MIN} characters. Leave it empty to have a strong one generated and shown to you once.")}
            </p>
            {move || {
                server()
                    .filter(|e| e.needs_own_message(&FIELDS))
                    .map(|error| view! { <p class="inline-error" role="alert">{format!("Could not add the admin: {error}")}</p> })
            }}
            <div class="modal__actions">
                <button type="button" class="button button--ghost" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Add admin"
                </button>
            </div>
        </form>
    }
}

/// The outcome: who was added, and the generated password if there is one.
#[component]
fn Created(created: CreatedAdmin, on_close: Callback<()>) -> impl IntoView {
    let admin = created.admin;
    view! {
        <p class="alert alert--success" role="status">
            {format!("{} ({}) can now sign in.", admin.display_name, admin.email)}
        </p>
        {created
            .generated_password
            .map(|password| {
                view! {
                    <OnceSecret
                        id="generated-password"
                        label="Generated password"
                        value=password
                        note="Give it to the new admin over a safe channel. It cannot be shown again."
                    />
                }
            })}
        <div class="modal__actions">
            <button type="button" class="button button--primary" on:click=move |_| on_close.run(())>
                "Done"
            </button>
        </div>
    }
}

/// One checkbox per role; used when adding an admin and on the admin's page.
#[component]
pub fn RoleChoices(
    id: &'static str,
    roles: Vec<Role>,
    selected: RwSignal<BTreeSet<String>>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(into, optional)] disabled: Signal<bool>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    let boxes = roles
        .into_iter()
        .map(|role| {
            let box_id = format!("{id}-{}", role.name);
            let name = StoredValue::new(role.name.clone());
            view! {
                <li class="checkbox">
                    <input
                        type="checkbox"
                        id=box_id.clone()
                        prop:checked=move || selected.with(|set| name.with_value(|n| set.contains(n)))
                        disabled=move || disabled.get()
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            selected.update(|set| {
                                if checked {
                                    set.insert(name.get_value());
                                } else {
                                    set.remove(&name.get_value());
                                }
                            });
                        }
                    />
                    <label for=box_id>
                        {role.name}
                        {(!role.description.is_empty()).then(|| view! { <span class="checkbox__hint">{role.description}</span> })}
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="role-choices" aria-describedby=errors_id.clone()>
            <legend class="field__label">"Roles"</legend>
            <ul class="role-choices__list">{boxes}</ul>
            <ul class="field__errors" id=errors_id.clone()>
                {move || errors.get().into_iter().map(|m| view! { <li>{format!("Roles {m}.")}</li> }).collect_view()}
            </ul>
        </fieldset>
    }
}

pub fn check_name(name: &str) -> Vec<String> {
    if name.trim().is_empty() {
        vec!["is required".to_owned()]
    } else {
        Vec::new()
    }
}

fn check_password(password: &str) -> Vec<String> {
    if !password.is_empty() && password.chars().count() < PASSWORD_MIN {
        vec![format!("must be at least {PASSWORD_MIN} characters")]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_optional_but_long() {
        assert!(check_password("").is_empty());
        assert_eq!(check_password("short").len(), 1);
        assert!(check_password("twelve chars").is_empty());
    }
}
