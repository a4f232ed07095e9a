//! The empty state of a filtered list: nothing matches, and a way back to everything.

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
