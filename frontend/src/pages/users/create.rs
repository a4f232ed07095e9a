//! The "New user" dialog. A new user can call nothing until granted: their page, where
//! the dialog leads, has the permissions editor.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::hub_users::{CreateHubUser, HubUser};
use omni_types::orgs::OrgRef;

use super::external_ids::to_map;
use super::profile::{Draft, FIELDS, UserFields};
use crate::components::field::CheckboxField;
use crate::components::modal::Modal;
use crate::reactive::{LocalAction, Show, effect};
use crate::state::use_api;

/// `organization`: the one to suggest (the page's, or the console's scope).
#[component]
pub fn NewUserDialog(
    organization: Option<OrgRef>,
    on_created: Callback<HubUser>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let draft = Draft::of(None, organization.as_ref());
    let enabled = RwSignal::new(true);
    let attempted = RwSignal::new(false);
    let create = LocalAction::new(move |body: &CreateHubUser| {
        let body = body.clone();
        async move { api.user_create(&body).await }
    });
    effect(move || {
        if let Some(Ok(user)) = create.value().get() {
            on_created.run(user);
            on_close.run(());
        }
    });
    let server_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let (Some(organization_id), true) = (draft.organization_id(), draft.is_valid()) else {
            return;
        };
        create.dispatch(CreateHubUser {
            name: draft.name.get_untracked().trim().to_owned(),
            email: draft.email.get_untracked().trim().to_owned(),
            organization_id,
            role: Some(draft.role_value()),
            external_ids: draft
                .external_ids
                .with_untracked(|rows| to_map(rows))
                .unwrap_or_default(),
            enabled: enabled.get_untracked(),
        });
    };
    let pending = create.pending();
    view! {
        <Modal title="New user".to_owned() on_close>
            <form class="settings-form" aria-label="New user" novalidate on:submit=on_submit>
                <UserFields draft attempted server_error current_org=organization.clone() />
                <CheckboxField label="Enabled: may call the tools granted" checked=enabled />
                {move || server_error.get().filter(|e| e.needs_own_message(&FIELDS)).map(|e| view! {
                    <p class="inline-error" role="alert">{format!("Could not create the user: {e}")}</p>
                })}
                <div class="modal__actions">
                    <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        "Create user"
                    </button>
                </div>
            </form>
        </Modal>
    }
}
