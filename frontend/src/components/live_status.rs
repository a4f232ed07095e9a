use leptos::prelude::*;

use crate::realtime::{LiveStatus, use_live};

/// The header's word on live updates: live, reconnecting or offline, in text and colour
/// (and a shape of its own each, for where the text does not fit), announced politely.
#[component]
pub fn LiveStatusIndicator() -> impl IntoView {
    let live = use_live();
    let status = move || live.status();
    view! {
        <p
            class=move || format!("live-status live-status--{}", status().key())
            role="status"
            aria-live="polite"
            aria-label="Live updates"
            title=move || status().detail()
            hidden=move || status() == LiveStatus::Off
            data-testid="live-status"
        >
            <span class="live-status__icon" aria-hidden="true"></span>
            <span class="live-status__label">{move || status().label()}</span>
        </p>
    }
}
