use leptos::prelude::*;

use super::cooldown::Cooldown;
use crate::components::icons::{Icon, IconSvg};

/// Why the last attempt failed, when it is not about one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    WrongCredentials,
    /// The second step: a wrong, spent or late code (or a challenge past its 5 minutes).
    WrongCode,
    RateLimited,
    Other(String),
}

#[component]
pub fn FailureAlert(failure: Failure, cooldown: Cooldown) -> impl IntoView {
    let message = match failure {
        Failure::WrongCredentials => "The email or password is incorrect.".into_any(),
        Failure::WrongCode => "That code was not accepted: it is incorrect, already used, or expired. \
             If it keeps failing, go back and sign in again."
            .into_any(),
        Failure::RateLimited => view! {
            "Too many sign-in attempts. "
            // A timer is not a live region: the alert is announced once, not every second.
            <span role="timer">{move || wait_text(cooldown.remaining())}</span>
        }
        .into_any(),
        Failure::Other(message) => message.into_any(),
    };
    view! {
        <div class="alert alert--error" role="alert">
            <IconSvg icon=Icon::Alert />
            <p>{message}</p>
        </div>
    }
}

fn wait_text(seconds: u64) -> String {
    match seconds {
        1 => "Try again in 1 second.".to_owned(),
        n => format!("Try again in {n} seconds."),
    }
}
