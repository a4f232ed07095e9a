//! A hub user's profile: name, email, organization, role and external ids. The fields are
//! shared by the "New user" dialog and the user's page; they are checked as typed, the way
//! the server checks them, and the server's field errors show under the same fields.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::hub_users::{HubRole, HubUser, UpdateHubUser};
use omni_types::orgs::OrgRef;
use uuid::Uuid;

use super::external_ids::{ExternalId, ExternalIdsEditor, rows_of, to_map};
use super::role_hint;
use crate::api::ApiError;
use crate::components::field::{TextField, check_email};
use crate::components::org_select::OrgSelect;
use crate::reactive::{LocalAction, Show, effect};
use crate::state::use_api;

/// The request fields the forms have inputs for.
pub const FIELDS: [&str; 5] = ["name", "email", "organization_id", "role", "external_ids"];

/// The fields as typed.
#[derive(Clone, Copy)]
pub struct Draft {
    pub name: RwSignal<String>,
    pub email: RwSignal<String>,
    /// An organization's id, or blank until one is chosen.
    pub organization: RwSignal<String>,
    pub role: RwSignal<String>,
    pub external_ids: RwSignal<Vec<ExternalId>>,
}

impl Draft {
    /// A new user's (in `org`, when known), or `user`'s as they are.
    pub fn of(user: Option<&HubUser>, org: Option<&OrgRef>) -> Self {
        let org = user.map(|u| &u.organization).or(org);
        Draft {
            name: RwSignal::new(user.map(|u| u.name.clone()).unwrap_or_default()),
            email: RwSignal::new(user.map(|u| u.email.clone()).unwrap_or_default()),
            organization: RwSignal::new(org.map(|o| o.id.to_string()).unwrap_or_default()),
            role: RwSignal::new(user.map_or(HubRole::Member, |u| u.role).as_str().to_owned()),
            external_ids: RwSignal::new(user.map(|u| rows_of(&u.external_ids)).unwrap_or_default()),
        }
    }

    /// What is wrong with `field` as typed (tracked).
    pub fn problems(&self, field: &str) -> Vec<String> {
        match field {
            "name" => {
                let name = self.name.get();
                if name.trim().is_empty() {
                    vec!["is required".into()]
                } else if name.trim().chars().count() > 200 {
                    vec!["must be at most 200 characters".into()]
                } else {
                    Vec::new()
                }
            }
            "email" => check_email(&self.email.get()),
            "organization_id" if Uuid::parse_str(&self.organization.get()).is_err() => vec!["is required".into()],
            "external_ids" => self.external_ids.with(|rows| to_map(rows).err().into_iter().collect()),
            _ => Vec::new(),
        }
    }

    pub fn is_valid(&self) -> bool {
        untrack(|| FIELDS.iter().all(|field| self.problems(field).is_empty()))
    }

    pub fn organization_id(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.organization.get_untracked()).ok()
    }

    pub fn role_value(&self) -> HubRole {
        self.role.get_untracked().parse().unwrap_or(HubRole::Member)
    }
}

/// The inputs. Live problems show once a field was left (or the form sent); the server's,
/// from `server_error`, at once.
#[component]
pub fn UserFields(
    draft: Draft,
    attempted: RwSignal<bool>,
    #[prop(into)] server_error: Signal<Option<ApiError>>,
    /// The organization chosen now, offered even when the loaded options lack it.
    #[prop(optional_no_strip)]
    current_org: Option<OrgRef>,
) -> impl IntoView {
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let touch = move |field: &'static str| {
        Callback::new(move |()| {
            touched.update(|t| {
                t.insert(field);
            })
        })
    };
    let errors = move |field: &'static str| {
        Signal::derive(move || {
            let mut shown = if attempted.get() || touched.with(|t| t.contains(field)) {
                draft.problems(field)
            } else {
                Vec::new()
            };
            if let Some(e) = server_error.get() {
                shown.extend(e.field_errors(field).iter().cloned());
            }
            shown
        })
    };
    let roles = HubRole::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str()>{role_hint(*r)}</option> })
        .collect_view();
    let role_errors = errors("role");
    view! {
        <div class="form-grid">
            <TextField id="user-name" label="Name" kind="text" value=draft.name errors=errors("name") placeholder=Some("Ada Lovelace") on_blur=touch("name") />
            <TextField id="user-email" label="Email" kind="email" value=draft.email errors=errors("email") placeholder=Some("ada@example.com") on_blur=touch("email") />
        </div>
        <OrgSelect
            id="user-organization"
            label="Organization"
            value=draft.organization
            on_change=Callback::new(move |id: String| draft.organization.set(id))
            fixed=&[("", "Choose an organization")]
            current=current_org
            errors=errors("organization_id")
            on_blur=touch("organization_id")
        />
        <div class="field" class:field--invalid=move || role_errors.with(|e| !e.is_empty())>
            <label class="field__label" for="user-role">"Role"</label>
            <select
                id="user-role"
                class="input"
                aria-describedby="user-role-errors"
                prop:value=move || draft.role.get()
                on:change=move |ev| draft.role.set(event_target_value(&ev))
            >
                {roles}
            </select>
            <ul class="field__errors" id="user-role-errors">
                {move || role_errors.get().into_iter().map(|m| view! { <li>{format!("Role {m}.")}</li> }).collect_view()}
            </ul>
        </div>
        <ExternalIdsEditor id="user-external-ids" rows=draft.external_ids errors=errors("external_ids") />
    }
}

/// The profile on the user's page; saving sends only what changed.
#[component]
pub fn ProfileForm(user: HubUser, on_saved: Callback<HubUser>) -> impl IntoView {
    let api = use_api();
    let id = user.id;
    let draft = Draft::of(Some(&user), None);
    let before = StoredValue::new(user);
    let attempted = RwSignal::new(false);
    let save = LocalAction::new(move |change: &UpdateHubUser| {
        let change = change.clone();
        async move { api.user_update(id, &change).await }
    });
    let saved = RwSignal::new(false);
    effect(move || {
        if let Some(Ok(user)) = save.value().get() {
            before.set_value(user.clone());
            saved.set(true);
            on_saved.run(user);
        }
    });
    let server_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let moving = move || {
        let chosen = draft.organization.get();
        before.with_value(|u| !chosen.is_empty() && chosen != u.organization.id.to_string())
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        saved.set(false);
        if !draft.is_valid() {
            return;
        }
        let change = before.with_value(|u| changes(u, &draft));
        save.dispatch(change);
    };
    let pending = save.pending();
    view! {
        <section class="card mcp-section" aria-labelledby="user-profile-title">
            <h2 id="user-profile-title" class="card__title">"Profile"</h2>
            <form class="settings-form" aria-labelledby="user-profile-title" novalidate on:submit=on_submit>
                <UserFields draft attempted server_error current_org=before.with_value(|u| Some(u.organization.clone())) />
                <Show when=moving>
                    <p class="alert alert--warning" role="note">
                        "Moving the user to another organization drops their grants on MCP servers the old organization owns."
                    </p>
                </Show>
                {move || server_error.get().filter(|e| e.needs_own_message(&FIELDS)).map(|e| view! {
                    <p class="inline-error" role="alert">{format!("Could not save: {e}")}</p>
                })}
                <div class="form-actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        "Save profile"
                    </button>
                    <span class="muted small" role="status">{move || saved.get().then_some("Profile saved.")}</span>
                </div>
            </form>
        </section>
    }
}

/// Only the fields that differ from `before`, so a concurrent change of another field is
/// not overwritten.
fn changes(before: &HubUser, draft: &Draft) -> UpdateHubUser {
    let (name, email) = (
        draft.name.get_untracked().trim().to_owned(),
        draft.email.get_untracked().trim().to_owned(),
    );
    let organization = draft.organization_id().filter(|id| *id != before.organization.id);
    let role = draft.role_value();
    let external_ids = draft
        .external_ids
        .with_untracked(|rows| to_map(rows).ok())
        .filter(|ids| *ids != before.external_ids);
    UpdateHubUser {
        name: (name != before.name).then_some(name),
        email: (!email.eq_ignore_ascii_case(&before.email)).then_some(email),
        organization_id: organization,
        role: (role != before.role).then_some(role),
        external_ids,
        enabled: None,
    }
}
