//! Empty states: a filtered list that matches nothing, with a way back to everything; a
//! chart with nothing to plot.

use leptos::prelude::*;

/// "No {things} match these filters", with a button that clears them.
#[component]
pub fn NoMatches(
    /// The list's things, plural: "users", "organizations".
    things: &'static str,
    on_clear: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2 class="empty-state__title">{format!("No {things} match these filters")}</h2>
            <p class="muted">"Try another search, or clear the filters."</p>
            <button type="button" class="button button--secondary" on:click=move |_| on_clear.run(())>
                "Clear filters"
            </button>
        </div>
    }
}

/// A chart or number with nothing to show: no usage in its range.
#[component]
pub fn NoUsage(
    #[prop(default = "No usage in this range")] title: &'static str,
    /// What would change that ("Try a longer range…").
    hint: &'static str,
) -> impl IntoView {
    view! {
        <div class="empty-state empty-state--compact" data-testid="no-usage">
            <h3 class="empty-state__title">{title}</h3>
            <p class="muted small">{hint}</p>
        </div>
    }
}
