use leptos::prelude::*;

use crate::components::icons::{Icon, IconSvg};
use crate::state::{ThemeMode, use_theme};

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = use_theme();
    let label = move || match theme.mode().other() {
        ThemeMode::Dark => "Switch to dark theme",
        ThemeMode::Light => "Switch to light theme",
    };
    view! {
        <button type="button" class="icon-button" on:click=move |_| theme.toggle() aria-label=label title=label>
            {move || {
                let icon = match theme.mode() {
                    ThemeMode::Light => Icon::Moon,
                    ThemeMode::Dark => Icon::Sun,
                };
                view! { <IconSvg icon /> }
            }}
        </button>
    }
}
