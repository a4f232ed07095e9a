//! The sign-in's second step: a code from the authenticator app, or a backup code.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::mfa::MfaLogin;

use super::DEFAULT_COOLDOWN_SECONDS;
use super::cooldown::Cooldown;
use super::failure::{Failure, FailureAlert};
use crate::components::code_field::{CodeField, CodeKind, normalise};
use crate::reactive::{LocalAction, Show, effect, memo};
use crate::state::use_api;

#[component]
pub fn MfaForm(
    /// The first step's `mfa_challenge`.
    challenge: String,
    /// Back to the password step (a new sign-in).
    on_back: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let code = RwSignal::new(String::new());
    let kind = RwSignal::new(CodeKind::Totp);
    let touched = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let cooldown = Cooldown::new();
    let sent = RwSignal::new(None::<String>);

    // The admin came here by submitting the password: the code field is where they type next.
    effect(move || {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });

    let submit = LocalAction::new(move |step: &MfaLogin| {
        let step = step.clone();
        async move {
            let result = api.login_mfa(&step).await;
            if let Err(error) = &result
                && error.status() == Some(429)
            {
                cooldown.start(error.retry_after_seconds().unwrap_or(DEFAULT_COOLDOWN_SECONDS));
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

    let errors = Signal::derive(move || {
        let value = code.get();
        let mine = touched
            .get()
            .then(|| kind.get().check(&value))
            .flatten()
            .map(str::to_owned);
        // The server's messages describe what was sent: editing the field retires them.
        let still_sent = sent.with(|sent| sent.as_deref() == Some(normalise(&value).as_str()));
        let theirs = if still_sent {
            error().map(|e| e.field_errors("code").to_vec()).unwrap_or_default()
        } else {
            Vec::new()
        };
        mine.into_iter().chain(theirs).collect::<Vec<_>>()
    });

    let failure = memo(move || {
        let error = error()?;
        let failure = match error.status() {
            Some(401) => Failure::WrongCode,
            Some(429) if cooldown.is_running() => Failure::RateLimited,
            Some(429) => return None,
            Some(422) if !error.has_errors_beyond(&["code"]) => return None,
            _ => Failure::Other(error.to_string()),
        };
        Some((submit.version().get(), failure))
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if busy.get_untracked() || cooldown.is_running() {
            return;
        }
        let value = code.get_untracked();
        if kind.get_untracked().check(&value).is_some() {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        let value = normalise(&value);
        sent.set(Some(value.clone()));
        submit.dispatch(MfaLogin {
            challenge: challenge.clone(),
            code: value,
        });
    };

    let toggle = move |_| {
        kind.update(|k| {
            *k = match k {
                CodeKind::Totp => CodeKind::Backup,
                CodeKind::Backup => CodeKind::Totp,
            }
        });
        code.set(String::new());
        touched.set(false);
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    };

    view! {
        <form class="login__form" on:submit=on_submit novalidate aria-labelledby="mfa-step-title">
            <div class="mfa-step__intro">
                <h2 id="mfa-step-title" class="mfa-step__title">
                    "Two-factor code"
                </h2>
                <p class="muted small">
                    {move || match kind.get() {
                        CodeKind::Totp => "Enter the 6-digit code your authenticator app shows for Omni Admin.",
                        CodeKind::Backup => "Enter one of the backup codes you saved. Each works only once.",
                    }}
                </p>
            </div>
            {move || failure.get().map(|(_, failure)| view! { <FailureAlert failure cooldown /> })}
            <CodeField
                id="mfa-code"
                kind=kind
                value=code
                errors
                on_blur=Callback::new(move |()| touched.set(true))
                node_ref=input
            />
            <button type="button" class="button button--ghost button--small mfa-step__toggle" on:click=toggle>
                {move || match kind.get() {
                    CodeKind::Totp => "Use a backup code",
                    CodeKind::Backup => "Use the authenticator app",
                }}
            </button>
            <button
                type="submit"
                class="button button--primary button--block"
                disabled=move || busy.get() || cooldown.is_running()
                aria-busy=move || busy.get().to_string()
            >
                <Show when=move || busy.get()>
                    <span class="spinner spinner--small" aria-hidden="true"></span>
                </Show>
                "Verify"
            </button>
            <button type="button" class="button button--secondary button--block" on:click=move |_| on_back.run(())>
                "Back"
            </button>
        </form>
    }
}
