//! The "Create token" form, and the new token's secret, shown this once.

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::rbac::PermissionInfo;
use omni_types::tokens::{CreateApiToken, CreatedApiToken};
use omni_types::{Permission, paths};

use crate::components::field::TextField;
use crate::components::local_time::input::{BrowserZone, Zone};
use crate::components::secret::OnceSecret;
use crate::pages::roles::picker::PermissionPicker;
use crate::reactive::{LocalAction, Show, effect};
use crate::state::{use_api, use_session};

const NAME_MAX: usize = 100;

#[component]
pub fn CreateTokenForm(on_created: Callback<CreatedApiToken>, on_cancel: Callback<()>) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    // A token can carry only what its creator holds.
    let own: Vec<PermissionInfo> = session.with_admin(|admin| {
        admin
            .map(|admin| admin.permissions.iter().map(|name| describe(name)).collect())
            .unwrap_or_default()
    });

    let name = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let permissions = RwSignal::new(BTreeSet::<String>::new());
    let attempted = RwSignal::new(false);
    let name_touched = RwSignal::new(false);
    let name_input = NodeRef::<html::Input>::new();

    let create = LocalAction::new(move |body: &CreateApiToken| {
        let body = body.clone();
        async move { api.api_token_create(&body).await }
    });
    effect(move || {
        if let Some(Ok(created)) = create.value().get() {
            on_created.run(created);
        }
    });
    let server = move || create.value().get().and_then(Result::err);
    let server_errors = move |field: &'static str| server().map(|e| e.field_errors(field).to_vec()).unwrap_or_default();

    let name_errors = Signal::derive(move || {
        let mut errors = Vec::new();
        if attempted.get() || name_touched.get() {
            errors.extend(check_name(&name.get()));
        }
        errors.extend(server_errors("name"));
        errors
    });
    let permission_errors = Signal::derive(move || {
        let mut errors = Vec::new();
        if attempted.get() && permissions.with(BTreeSet::is_empty) {
            errors.push("need at least one permission".to_owned());
        }
        errors.extend(server_errors("permissions"));
        errors
    });
    let expiry_errors = Signal::derive(move || {
        let mut errors: Vec<String> = expiry_of(&expiry.get()).err().map(str::to_owned).into_iter().collect();
        errors.extend(server_errors("expires_at"));
        errors
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let name_value = name.get_untracked();
        let chosen: Vec<String> = permissions.get_untracked().into_iter().collect();
        let expires_at = expiry_of(&expiry.get_untracked());
        if !check_name(&name_value).is_empty() {
            if let Some(input) = name_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        let (false, Ok(expires_at)) = (chosen.is_empty(), expires_at) else {
            return;
        };
        create.dispatch(CreateApiToken {
            name: name_value.trim().to_owned(),
            permissions: chosen,
            expires_at,
        });
    };
    let pending = create.pending();
    let other_error = move || server().filter(|e| e.needs_own_message(&["name", "permissions", "expires_at"]));

    view! {
        <form id="token-form" class="card settings-form" on:submit=on_submit novalidate aria-labelledby="token-form-title">
            <h2 id="token-form-title" class="card__title">"New API token"</h2>
            <TextField
                id="token-name"
                label="Name"
                kind="text"
                value=name
                errors=name_errors
                placeholder=Some("e.g. Billing sync")
                on_blur=Callback::new(move |()| name_touched.set(true))
                node_ref=name_input
            />
            <PermissionPicker id="token-permission" legend="Permissions" available=own selected=permissions errors=permission_errors />
            <p class="muted small">"Only permissions you hold yourself can be given to a token. If you lose one, your tokens lose it too."</p>
            <div class="field" class:field--invalid=move || !expiry_errors.with(Vec::is_empty)>
                <label class="field__label" for="token-expiry">"Expires (optional)"</label>
                <input
                    id="token-expiry"
                    class="input input--date"
                    type="date"
                    prop:value=move || expiry.get()
                    on:input:target=move |ev| expiry.set(ev.target().value())
                    aria-invalid=move || (!expiry_errors.with(Vec::is_empty)).to_string()
                    aria-describedby="token-expiry-hint token-expiry-errors"
                />
                <p id="token-expiry-hint" class="muted small">"The token stops working at the end of that day. Leave empty to keep it until you revoke it."</p>
                <ul class="field__errors" id="token-expiry-errors">
                    {move || expiry_errors.get().into_iter().map(|m| view! { <li>{format!("Expiry {m}.")}</li> }).collect_view()}
                </ul>
            </div>
            {move || other_error().map(|error| view! { <p class="inline-error" role="alert">{format!("Could not create the token: {error}")}</p> })}
            <div class="form-actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Create token"
                </button>
                <button type="button" class="button button--ghost" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The secret of the token just created, with how to use it.
#[component]
pub fn NewTokenSecret(token: CreatedApiToken, on_done: Callback<()>) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let example = format!(
        "curl -H \"Authorization: Bearer {}\" {origin}{}",
        token.secret,
        paths::AUTH_ME
    );
    let heading = NodeRef::<html::H2>::new();
    // Announce the result and put keyboard users on it.
    effect(move || {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <section class="card settings-secret alert--success-card" aria-labelledby="new-token-title">
            <h2 id="new-token-title" class="card__title" tabindex="-1" node_ref=heading>
                {format!("Token “{}” created", token.token.name)}
            </h2>
            <OnceSecret
                id="token-secret"
                label="Secret"
                value=token.secret
                note="Copy it now and keep it somewhere safe: it cannot be shown again. If you lose it, revoke the token and create another."
            />
            <p class="small">"Send it in the Authorization header, for example:"</p>
            <pre class="code-block"><code>{example}</code></pre>
            <div class="form-actions">
                <button type="button" class="button button--secondary" on:click=move |_| on_done.run(())>
                    "Done"
                </button>
            </div>
        </section>
    }
}

fn describe(name: &str) -> PermissionInfo {
    PermissionInfo {
        name: name.to_owned(),
        description: Permission::from_str(name)
            .map(Permission::description)
            .unwrap_or_default()
            .to_owned(),
    }
}

fn check_name(name: &str) -> Vec<String> {
    let name = name.trim();
    if name.is_empty() {
        vec!["is required".to_owned()]
    } else if name.chars().count() > NAME_MAX {
        vec![format!("must be at most {NAME_MAX} characters")]
    } else {
        Vec::new()
    }
}

/// The end of the chosen day in the admin's zone; it must still be ahead.
fn expiry_of(value: &str) -> Result<Option<DateTime<Utc>>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::from_str(value).map_err(|_| "is not a valid date")?;
    let end = BrowserZone
        .to_utc(day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()))
        .ok_or("is not a valid date")?;
    if end.timestamp_millis() as f64 <= js_sys::Date::now() {
        return Err("must be today or later");
    }
    Ok(Some(end))
}
