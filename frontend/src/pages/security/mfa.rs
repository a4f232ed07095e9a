//! Two-factor authentication: status, setting up an authenticator app, backup codes.

use leptos::prelude::*;
use omni_types::auth::Me;
use omni_types::mfa::{BackupCodes, MfaCode, MfaEnrolment};

use super::backup_codes::BackupCodesPanel;
use super::code_form::CodeForm;
use crate::api::ApiError;
use crate::components::copy_button::CopyButton;
use crate::components::icons::{Icon, IconSvg};
use crate::reactive::{LocalAction, Show, effect};
use crate::state::use_api;

/// Where the card stands; each step is its own view.
#[derive(Debug, Clone)]
enum Step {
    Off,
    /// Scan or type the secret, then confirm with a code.
    Enrolling(MfaEnrolment),
    /// Fresh backup codes, shown this once.
    Codes(Vec<String>),
    On,
    /// Asking for a current code before replacing the backup codes.
    Regenerating,
}

#[component]
pub fn MfaCard(me: Me) -> impl IntoView {
    let api = use_api();
    let step = RwSignal::new(if me.mfa_enabled { Step::On } else { Step::Off });

    let enrol = LocalAction::new(move |_: &()| async move { api.mfa_enrol().await });
    effect(move || match enrol.value().get() {
        Some(Ok(enrolment)) => step.set(Step::Enrolling(enrolment)),
        // Enabled in another tab since this page loaded: the server knows best.
        Some(Err(e)) if e.status() == Some(409) => step.set(Step::On),
        _ => {}
    });
    let confirm = LocalAction::new(move |code: &MfaCode| {
        let code = code.clone();
        async move { api.mfa_confirm(&code).await }
    });
    let regenerate = LocalAction::new(move |code: &MfaCode| {
        let code = code.clone();
        async move { api.mfa_backup_codes(&code).await }
    });
    show_codes_from(confirm, step);
    show_codes_from(regenerate, step);

    let enrol_error = move || {
        if enrol.pending().get() {
            None
        } else {
            enrol
                .value()
                .get()
                .and_then(Result::err)
                .filter(|e| e.status() != Some(409))
        }
    };
    let enabled = move || step.with(|s| matches!(s, Step::On | Step::Regenerating | Step::Codes(_)));

    let body = move || {
        match step.get() {
        Step::Off => view! {
            <p>
                "Protect your account with a second step at sign-in: a code from an authenticator app on your phone."
            </p>
            {move || {
                enrol_error()
                    .map(|error| {
                        view! {
                            <div class="alert alert--error security-alert" role="alert">
                                <IconSvg icon=Icon::Alert />
                                <p>{format!("Could not start the setup: {error}")}</p>
                            </div>
                        }
                    })
            }}
            <div class="security-form__actions">
                <button
                    type="button"
                    class="button button--primary"
                    on:click=move |_| {
                        enrol.dispatch(());
                    }
                    disabled=move || enrol.pending().get()
                    aria-busy=move || enrol.pending().get().to_string()
                >
                    <Show when=move || enrol.pending().get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Set up authenticator"
                </button>
            </div>
        }
        .into_any(),
        Step::Enrolling(enrolment) => view! {
            <Enrolment enrolment confirm on_cancel=Callback::new(move |()| step.set(Step::Off)) />
        }
        .into_any(),
        Step::Codes(codes) => view! { <BackupCodesPanel codes on_done=Callback::new(move |()| step.set(Step::On)) /> }
            .into_any(),
        Step::On => view! {
            <p>
                "Signing in asks for a code from your authenticator app. Without the app, use one of your backup codes."
            </p>
            <div class="security-form__actions">
                <button type="button" class="button button--secondary" on:click=move |_| step.set(Step::Regenerating)>
                    "Regenerate backup codes"
                </button>
            </div>
        }
        .into_any(),
        Step::Regenerating => view! {
            <p>
                "Enter a current code from your authenticator app. New backup codes replace all of the old ones, used or not."
            </p>
            <CodeForm
                id="mfa-regenerate-code"
                submit_label="Generate new codes"
                action=regenerate
                on_cancel=Callback::new(move |()| step.set(Step::On))
            />
        }
        .into_any(),
    }
    };

    view! {
        <section class="card" aria-labelledby="mfa-heading">
            <div class="security-card__head">
                <h2 id="mfa-heading" class="card__title">
                    "Two-factor authentication"
                </h2>
                <MfaBadge enabled=Signal::derive(enabled) />
            </div>
            {me
                .mfa_required
                .then(|| {
                    view! { <p class="muted small">"Your role requires two-factor authentication."</p> }
                })}
            <div class="security-card__body">{body}</div>
        </section>
    }
}

/// "Enabled" or "Not set up", in words, not only colour.
#[component]
pub fn MfaBadge(#[prop(into)] enabled: Signal<bool>) -> impl IntoView {
    view! {
        <span class="mfa-badge" class:mfa-badge--on=move || enabled.get() data-testid="mfa-status">
            <IconSvg icon=Icon::ShieldCheck />
            {move || if enabled.get() { "Enabled" } else { "Not set up" }}
        </span>
    }
}

fn show_codes_from(action: LocalAction<MfaCode, Result<BackupCodes, ApiError>>, step: RwSignal<Step>) {
    effect(move || {
        if let Some(Ok(codes)) = action.value().get() {
            step.set(Step::Codes(codes.codes));
        }
    });
}

#[component]
fn Enrolment(
    enrolment: MfaEnrolment,
    confirm: LocalAction<MfaCode, Result<BackupCodes, ApiError>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let qr = svg_data_uri(&enrolment.qr_svg);
    let secret = enrolment.secret;
    view! {
        <ol class="mfa-setup">
            <li class="mfa-setup__step">
                <h3>"Scan the QR code"</h3>
                <p class="muted small">
                    "Open your authenticator app (1Password, Google Authenticator, Authy, …) and add an account by scanning this code."
                </p>
                {match qr {
                    Some(src) => view! {
                        <img class="mfa-setup__qr" src=src alt="QR code for your authenticator app" width="200" height="200" />
                    }
                        .into_any(),
                    None => view! {
                        <p class="alert alert--error security-alert" role="alert">
                            "The QR code could not be shown. Type the setup key below into your app instead."
                        </p>
                    }
                        .into_any(),
                }}
            </li>
            <li class="mfa-setup__step">
                <h3>"Or type the setup key"</h3>
                <p class="muted small">"Choose a time-based key if your app asks."</p>
                <div class="mfa-setup__secret">
                    <code id="mfa-secret" data-testid="mfa-secret">{secret.clone()}</code>
                    <CopyButton label="Copy key" text=secret />
                </div>
            </li>
            <li class="mfa-setup__step">
                <h3>"Enter the code the app shows"</h3>
                <CodeForm id="mfa-confirm-code" submit_label="Confirm" action=confirm on_cancel />
            </li>
        </ol>
    }
}

/// The QR code as an `<img>` source. An image, not inline markup: the SVG comes from the
/// server and is never parsed into the page. `btoa` takes Latin-1, so the UTF-8 bytes go
/// in one character each.
fn svg_data_uri(svg: &str) -> Option<String> {
    let latin1: String = svg.bytes().map(char::from).collect();
    let encoded = window().btoa(&latin1).ok()?;
    Some(format!("data:image/svg+xml;base64,{encoded}"))
}
