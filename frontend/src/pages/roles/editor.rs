//! The role editor dialog: a new role, or changes to one. Built-in roles keep their name;
//! the owner role keeps every permission (the server enforces both; the form says so).

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::permissions::roles::OWNER;
use omni_types::rbac::{CreateRole, PermissionInfo, Role, UpdateRole};

use super::picker::PermissionPicker;
use crate::components::field::TextField;
use crate::components::modal::Modal;
use crate::reactive::{LocalAction, Show, effect};
use crate::state::use_api;

const FIELDS: [&str; 4] = ["name", "description", "permissions", "mfa_required"];
const DESCRIPTION_MAX: usize = 500;

#[component]
pub fn RoleEditor(
    role: Option<Role>,
    catalogue: Vec<PermissionInfo>,
    on_saved: Callback<Role>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let id = role.as_ref().map(|r| r.id);
    let built_in = role.as_ref().is_some_and(|r| r.built_in);
    let is_owner = role.as_ref().is_some_and(|r| r.built_in && r.name == OWNER);
    let title = match &role {
        Some(role) => format!("Edit role “{}”", role.name),
        None => "New role".to_owned(),
    };
    let name = RwSignal::new(role.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let description = RwSignal::new(role.as_ref().map(|r| r.description.clone()).unwrap_or_default());
    let mfa_required = RwSignal::new(role.as_ref().is_some_and(|r| r.mfa_required));
    let permissions = RwSignal::new(
        role.as_ref()
            .map(|r| r.permissions.iter().cloned().collect::<BTreeSet<_>>())
            .unwrap_or_default(),
    );
    let attempted = RwSignal::new(false);
    let name_touched = RwSignal::new(false);

    let save = LocalAction::new(move |request: &(Option<CreateRole>, UpdateRole)| {
        let request = request.clone();
        async move {
            match (id, request) {
                (Some(id), (_, change)) => api.role_update(id, &change).await,
                (None, (Some(new), _)) => api.role_create(&new).await,
                // A new role always comes with its `CreateRole`.
                (None, (None, _)) => Err(crate::api::ApiError::Decode("nothing to save".into())),
            }
        }
    });
    effect(move || {
        if let Some(Ok(role)) = save.value().get() {
            on_saved.run(role);
        }
    });
    let server = move || save.value().get().and_then(Result::err);
    let server_errors = move |field: &'static str| server().map(|e| e.field_errors(field).to_vec()).unwrap_or_default();
    let name_errors = Signal::derive(move || {
        let mut errors = Vec::new();
        if !built_in && (attempted.get() || name_touched.get()) {
            errors.extend(check_name(&name.get()));
        }
        errors.extend(server_errors("name"));
        errors
    });
    let description_errors = Signal::derive(move || {
        let mut errors = Vec::new();
        if description.with(|d| d.chars().count() > DESCRIPTION_MAX) {
            errors.push(format!("must be at most {DESCRIPTION_MAX} characters"));
        }
        errors.extend(server_errors("description"));
        errors
    });
    let permission_errors = Signal::derive(move || server_errors("permissions"));

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let name_value = name.get_untracked().trim().to_owned();
        if (!built_in && !check_name(&name_value).is_empty()) || !description_errors.get_untracked().is_empty() {
            return;
        }
        let chosen: Vec<String> = permissions.get_untracked().into_iter().collect();
        let description_value = description.get_untracked().trim().to_owned();
        let mfa = mfa_required.get_untracked();
        let request = match id {
            Some(_) => (
                None,
                UpdateRole {
                    name: (!built_in).then_some(name_value),
                    description: Some(description_value),
                    permissions: (!is_owner).then_some(chosen),
                    mfa_required: Some(mfa),
                },
            ),
            None => (
                Some(CreateRole {
                    name: name_value,
                    description: description_value,
                    permissions: chosen,
                    mfa_required: mfa,
                }),
                UpdateRole::default(),
            ),
        };
        save.dispatch(request);
    };
    let pending = save.pending();

    view! {
        <Modal title=title on_close>
            <form class="settings-form" on:submit=on_submit novalidate>
                {if built_in {
                    view! {
                        <div class="field">
                            <label class="field__label" for="role-name">"Name"</label>
                            <input id="role-name" class="input" type="text" readonly=true value=name.get_untracked() aria-describedby="role-name-hint" />
                            <p id="role-name-hint" class="muted small">"Built-in roles keep their name."</p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <TextField
                            id="role-name"
                            label="Name"
                            kind="text"
                            value=name
                            errors=name_errors
                            placeholder=Some("e.g. finance-readonly")
                            on_blur=Callback::new(move |()| name_touched.set(true))
                        />
                        <p class="muted small field__hint">"Lower-case letters, digits, “-” and “_”; 2 to 50 characters."</p>
                    }
                    .into_any()
                }}
                <TextField id="role-description" label="Description" kind="text" value=description errors=description_errors required=false />
                <div class="checkbox">
                    <input
                        id="role-mfa"
                        type="checkbox"
                        prop:checked=move || mfa_required.get()
                        on:change=move |ev| mfa_required.set(event_target_checked(&ev))
                    />
                    <label for="role-mfa">
                        "Require MFA"
                        <span class="checkbox__hint">"Admins with this role must set up an authenticator app."</span>
                    </label>
                </div>
                {is_owner.then(|| view! { <p class="alert alert--info">"The owner role always has every permission."</p> })}
                <PermissionPicker id="role-permission" legend="Permissions" available=catalogue selected=permissions locked=is_owner errors=permission_errors />
                {move || {
                    server()
                        .filter(|e| e.needs_own_message(&FIELDS))
                        .map(|error| view! { <p class="inline-error" role="alert">{format!("Could not save the role: {error}")}</p> })
                }}
                <div class="modal__actions">
                    <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>
                        "Cancel"
                    </button>
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        {if id.is_some() { "Save changes" } else { "Create role" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// The server's rule, checked as the admin types: lower-case letters, digits, `-`, `_`.
fn check_name(name: &str) -> Vec<String> {
    let name = name.trim();
    if name.is_empty() {
        return vec!["is required".to_owned()];
    }
    let mut errors = Vec::new();
    if !(2..=50).contains(&name.chars().count()) {
        errors.push("must be 2 to 50 characters".to_owned());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        errors.push("may only use lower-case letters, digits, “-” and “_”".to_owned());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn role_names() {
        assert!(check_name("finance-ro_2").is_empty());
        assert_eq!(check_name(" "), ["is required"]);
        assert_eq!(check_name("a").len(), 1);
        assert_eq!(check_name("Finance").len(), 1);
    }
}
