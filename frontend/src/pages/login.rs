//! `/login`: email and password, then (for an admin with MFA) a code from their
//! authenticator app or a backup code, then back to where the admin was going.

mod checks;
mod cooldown;
mod failure;
mod mfa;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use omni_types::auth::LoginRequest;

use crate::components::field::TextField;
use crate::components::icons::{Icon, IconSvg};
use crate::components::set_document_title;
use crate::components::theme_toggle::ThemeToggle;
use crate::reactive::{LocalAction, Show, memo};
use crate::routes;
use crate::state::{use_api, use_session};
use cooldown::Cooldown;
use failure::{Failure, FailureAlert};
use mfa::MfaForm;

/// How long to hold back after a 429 that did not say (the API's rate-limit window).
const DEFAULT_COOLDOWN_SECONDS: u64 = 60;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next =
        move || query.with_untracked(|q| routes::safe_next(q.get_str("next")).unwrap_or(routes::HOME).to_owned());
    set_document_title("Sign in");
    // Kept here so "Back" from the code step returns to a form that still has the email.
    let email = RwSignal::new(String::new());
    let challenge = RwSignal::new(None::<String>);

    view! {
        <div class="login">
            <div class="login__theme">
                <ThemeToggle />
            </div>
            <main class="login__card" id="main">
                <div class="login__brand">
                    <span class="brand-mark">
                        <IconSvg icon=Icon::Logo />
                    </span>
                    <span class="brand-name">"Omni Admin"</span>
                </div>
                <h1 class="login__title">"Sign in to Omni Admin"</h1>
                {move || match challenge.get() {
                    None => {
                        view! {
                            <p class="muted">"Use the email address and password of your admin account."</p>
                            <LoginForm email on_challenge=Callback::new(move |c| challenge.set(Some(c))) />
                        }
                            .into_any()
                    }
                    Some(c) => {
                        view! { <MfaForm challenge=c on_back=Callback::new(move |()| challenge.set(None)) /> }
                            .into_any()
                    }
                }}
            </main>
        </div>
        // Covers both a fresh sign-in and an admin who opens /login while signed in.
        {move || {
            session
                .is_signed_in()
                .then(|| {
                    view! { <Redirect path=next() options=NavigateOptions { replace: true, ..Default::default() } /> }
                })
        }}
    }
}

/// The password step. `on_challenge` receives the server's MFA challenge when the admin
/// must also give a code.
#[component]
fn LoginForm(email: RwSignal<String>, on_challenge: Callback<String>) -> impl IntoView {
    let api = use_api();
    let password = RwSignal::new(String::new());
    // A field is checked once the admin has left it (or submitted); from then on, as they type.
    let email_touched = RwSignal::new(false);
    let password_touched = RwSignal::new(false);
    let email_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();
    let cooldown = Cooldown::new();
    let sent = RwSignal::new(None::<LoginRequest>);

    let submit = LocalAction::new(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            let result = api.login(&request).await;
            if let Err(error) = &result {
                if let Some(challenge) = error.mfa_challenge() {
                    on_challenge.run(challenge.to_owned());
                } else if error.status() == Some(429) {
                    cooldown.start(error.retry_after_seconds().unwrap_or(DEFAULT_COOLDOWN_SECONDS));
                }
            }
            result
        }
    });
    let busy = submit.pending();
    let error = move || {
        if busy.get() {
            None
        } else {
            submit.value().get().and_then(Result::err)
        }
    };

    // The server's messages describe what was sent: editing the field retires them.
    let server_errors = move |field: &'static str, current: String| {
        let still_sent = sent.with(|sent| {
            sent.as_ref().is_some_and(|s| {
                if field == "email" {
                    s.email == current
                } else {
                    s.password == current
                }
            })
        });
        if still_sent {
            error().map(|e| e.field_errors(field).to_vec()).unwrap_or_default()
        } else {
            Vec::new()
        }
    };
    let email_errors = Signal::derive(move || {
        let value = email.get();
        let mine = email_touched
            .get()
            .then(|| checks::email(&value))
            .flatten()
            .map(str::to_owned);
        mine.into_iter()
            .chain(server_errors("email", value))
            .collect::<Vec<_>>()
    });
    let password_errors = Signal::derive(move || {
        let value = password.get();
        let mine = password_touched
            .get()
            .then(|| checks::password(&value))
            .flatten()
            .map(str::to_owned);
        mine.into_iter()
            .chain(server_errors("password", value))
            .collect::<Vec<_>>()
    });

    let failure = memo(move || {
        let error = error()?;
        let failure = match error.status() {
            Some(401) if error.mfa_challenge().is_some() => return None,
            Some(401) => Failure::WrongCredentials,
            Some(429) if cooldown.is_running() => Failure::RateLimited,
            Some(429) => return None,
            Some(422) if !error.has_errors_beyond(&["email", "password"]) => return None,
            _ => Failure::Other(error.to_string()),
        };
        // Keyed by attempt, so a second identical failure is shown (and announced) afresh.
        Some((submit.version().get(), failure))
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        email_touched.set(true);
        password_touched.set(true);
        if busy.get_untracked() || cooldown.is_running() {
            return;
        }
        let request = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let invalid = if checks::email(&request.email).is_some() {
            Some(email_input)
        } else if checks::password(&request.password).is_some() {
            Some(password_input)
        } else {
            None
        };
        if let Some(input) = invalid {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        sent.set(Some(request.clone()));
        submit.dispatch(request);
    };

    view! {
        <form class="login__form" on:submit=on_submit novalidate>
            {move || failure.get().map(|(_, failure)| view! { <FailureAlert failure cooldown /> })}
            <TextField
                id="email"
                label="Email"
                kind="email"
                autocomplete="username"
                value=email
                errors=email_errors
                on_blur=Callback::new(move |()| email_touched.set(true))
                node_ref=email_input
            />
            <TextField
                id="password"
                label="Password"
                kind="password"
                autocomplete="current-password"
                value=password
                errors=password_errors
                on_blur=Callback::new(move |()| password_touched.set(true))
                node_ref=password_input
            />
            <button
                type="submit"
                class="button button--primary button--block"
                disabled=move || busy.get() || cooldown.is_running()
                aria-busy=move || busy.get().to_string()
            >
                <Show when=move || busy.get()>
                    <span class="spinner spinner--small" aria-hidden="true"></span>
                </Show>
                "Sign in"
            </button>
        </form>
    }
}
