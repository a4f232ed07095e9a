//! Asking for an authenticator code to finish something (confirm an enrolment, replace
//! the backup codes).

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use omni_types::mfa::{BackupCodes, MfaCode};

use crate::api::ApiError;
use crate::components::code_field::{CodeField, CodeKind, normalise};
use crate::components::icons::{Icon, IconSvg};
use crate::reactive::{LocalAction, Show, memo};

/// A code field and its buttons. `action` sends the code; the caller reads its success.
#[component]
pub fn CodeForm(
    id: &'static str,
    submit_label: &'static str,
    action: LocalAction<MfaCode, Result<BackupCodes, ApiError>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let sent = RwSignal::new(None::<String>);
    let busy = action.pending();
    let error = move || {
        if busy.get() {
            None
        } else {
            action.value().get().and_then(Result::err)
        }
    };

    let errors = Signal::derive(move || {
        let value = code.get();
        let mine = touched
            .get()
            .then(|| CodeKind::Totp.check(&value))
            .flatten()
            .map(str::to_owned);
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
        (error.status() != Some(422) || error.has_errors_beyond(&["code"]))
            .then(|| (action.version().get(), error.to_string()))
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if busy.get_untracked() {
            return;
        }
        let value = code.get_untracked();
        if CodeKind::Totp.check(&value).is_some() {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        let value = normalise(&value);
        sent.set(Some(value.clone()));
        action.dispatch(MfaCode { code: value });
    };

    view! {
        <form class="security-form" on:submit=on_submit novalidate>
            {move || {
                failure
                    .get()
                    .map(|(_, message)| {
                        view! {
                            <div class="alert alert--error security-alert" role="alert">
                                <IconSvg icon=Icon::Alert />
                                <p>{message}</p>
                            </div>
                        }
                    })
            }}
            <CodeField
                id
                kind=CodeKind::Totp
                value=code
                errors
                on_blur=Callback::new(move |()| touched.set(true))
                node_ref=input
            />
            <div class="security-form__actions">
                <button
                    type="submit"
                    class="button button--primary"
                    disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string()
                >
                    <Show when=move || busy.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    {submit_label}
                </button>
                <button type="button" class="button button--secondary" on:click=move |_| {
                    // A later attempt starts clean, not under this one's error.
                    action.value().set(None);
                    on_cancel.run(());
                }>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
