//! Changing the admin's own password.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::auth::ChangePassword;

use super::checks;
use crate::components::field::TextField;
use crate::components::icons::{Icon, IconSvg};
use crate::reactive::{LocalAction, Show, effect, memo};
use crate::routes;
use crate::state::use_api;

const FIELDS: [&str; 2] = ["current_password", "new_password"];

#[component]
pub fn PasswordCard(
    /// An owner reset the password: say why the admin is here, and where to go after.
    forced: bool,
) -> impl IntoView {
    let api = use_api();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    // A field is checked once the admin has left it (or submitted); from then on, as they type.
    let touched = RwSignal::new([false; 3]);
    let inputs = [NodeRef::<html::Input>::new(), NodeRef::new(), NodeRef::new()];
    let sent = RwSignal::new(None::<ChangePassword>);

    let submit = LocalAction::new(move |change: &ChangePassword| {
        let change = change.clone();
        async move { api.change_password(&change).await }
    });
    let busy = submit.pending();
    let outcome = move || if busy.get() { None } else { submit.value().get() };
    let error = move || outcome().and_then(Result::err);
    let succeeded = move || outcome().is_some_and(|r| r.is_ok());

    // Only while the field still holds what was sent: editing it retires the server's word.
    let server_errors = move |field: &'static str, value: &str| -> Vec<String> {
        let still_sent = sent.with(|sent| {
            sent.as_ref().is_some_and(|s| match field {
                "current_password" => s.current_password == value,
                _ => s.new_password == value,
            })
        });
        if still_sent {
            error().map(|e| e.field_errors(field).to_vec()).unwrap_or_default()
        } else {
            Vec::new()
        }
    };
    let touch = move |i: usize| Callback::new(move |()| touched.update(|t| t[i] = true));
    let current_errors = Signal::derive(move || {
        let value = current.get();
        let mine = touched.get()[0].then(|| checks::current_password(&value)).flatten();
        mine.map(str::to_owned)
            .into_iter()
            .chain(server_errors(FIELDS[0], &value))
            .collect::<Vec<_>>()
    });
    let new_errors = Signal::derive(move || {
        let value = new.get();
        let mine = (touched.get()[1] || !value.is_empty())
            .then(|| checks::new_password(&value))
            .flatten();
        mine.map(str::to_owned)
            .into_iter()
            .chain(server_errors(FIELDS[1], &value))
            .collect::<Vec<_>>()
    });
    let confirm_errors = Signal::derive(move || {
        let (new, confirm) = (new.get(), confirm.get());
        let mine = if touched.get()[2] {
            checks::confirmation(&new, &confirm)
        } else {
            checks::confirmation_so_far(&new, &confirm)
        };
        mine.map(str::to_owned).into_iter().collect::<Vec<_>>()
    });
    let failure = memo(move || {
        let error = error()?;
        (error.status() != Some(422) || error.has_errors_beyond(&FIELDS))
            .then(|| (submit.version().get(), error.to_string()))
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        touched.set([true; 3]);
        if busy.get_untracked() {
            return;
        }
        let change = ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let problems = [
            checks::current_password(&change.current_password),
            checks::new_password(&change.new_password),
            checks::confirmation(&change.new_password, &confirm.get_untracked()),
        ];
        if let Some(first) = problems.iter().position(Option::is_some) {
            if let Some(input) = inputs[first].get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        sent.set(Some(change.clone()));
        submit.dispatch(change);
    };
    // A success empties the form: the old values are of no more use, and should not linger.
    effect(move || {
        if succeeded() {
            current.set(String::new());
            new.set(String::new());
            confirm.set(String::new());
            touched.set([false; 3]);
            sent.set(None);
        }
    });

    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading" class="card__title">
                "Password"
            </h2>
            <p class="muted small">
                "At least 12 characters. Not a common password, not your email address, and not your current one. Changing it signs out every other session."
            </p>
            {move || {
                succeeded()
                    .then(|| {
                        view! {
                            <div class="alert alert--success security-alert" role="status">
                                <IconSvg icon=Icon::ShieldCheck />
                                <p>
                                    "Password changed. Every other session has been signed out; this one stays signed in. "
                                    {forced
                                        .then(|| {
                                            view! { <A href=routes::HOME>"Continue to Omni Admin"</A> }
                                        })}
                                </p>
                            </div>
                        }
                    })
            }}
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
            <form class="security-form" on:submit=on_submit novalidate>
                <TextField
                    id="current-password"
                    label="Current password"
                    kind="password"
                    autocomplete="current-password"
                    value=current
                    errors=current_errors
                    on_blur=touch(0)
                    node_ref=inputs[0]
                />
                <TextField
                    id="new-password"
                    label="New password"
                    kind="password"
                    autocomplete="new-password"
                    value=new
                    errors=new_errors
                    on_blur=touch(1)
                    node_ref=inputs[1]
                />
                <TextField
                    id="confirm-password"
                    label="Confirm new password"
                    kind="password"
                    autocomplete="new-password"
                    value=confirm
                    errors=confirm_errors
                    on_blur=touch(2)
                    node_ref=inputs[2]
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
                        "Change password"
                    </button>
                </div>
            </form>
        </section>
    }
}
