use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::icons::{Icon, IconSvg};

/// Shown while the app finds out whether there is a session, instead of flashing the
/// sign-in page at an admin who is about to be signed back in.
#[component]
pub fn FullPageLoading() -> impl IntoView {
    view! {
        <div class="full-page" role="status" aria-live="polite">
            <span class="brand-mark brand-mark--large">
                <IconSvg icon=Icon::Logo />
            </span>
            <span class="spinner" aria-hidden="true"></span>
            <p class="muted">"Loading Omni Admin…"</p>
        </div>
    }
}

#[component]
pub fn FullPageError(error: ApiError, on_retry: Callback<()>, #[prop(into)] retrying: Signal<bool>) -> impl IntoView {
    view! {
        <div class="full-page">
            <div class="full-page__panel">
                <ErrorPanel title="Omni Admin could not start" error on_retry retrying />
            </div>
        </div>
    }
}
