//! "Load more" for keyset-paginated lists: the button while a next page exists, and the
//! error of the last attempt (the rows already shown stay).

use leptos::prelude::*;

use crate::api::ApiError;
use crate::reactive::{LocalAction, Show};

/// `next` is the cursor of the next page (none on the last); `action` appends that page;
/// `what` names the rows in the error message ("admins", "entries").
#[component]
pub fn LoadMore(
    next: RwSignal<Option<String>>,
    action: LocalAction<String, Result<(), ApiError>>,
    what: &'static str,
) -> impl IntoView {
    let loading = action.pending();
    let more = move |_| {
        if !loading.get_untracked()
            && let Some(cursor) = next.get_untracked()
        {
            action.dispatch(cursor);
        }
    };
    let failure = move || {
        if loading.get() {
            None
        } else {
            action.value().get().and_then(Result::err)
        }
    };
    view! {
        <Show when=move || next.with(Option::is_some)>
            <button
                type="button"
                class="button button--secondary"
                on:click=more
                disabled=move || loading.get()
                aria-busy=move || loading.get().to_string()
            >
                <Show when=move || loading.get()>
                    <span class="spinner spinner--small" aria-hidden="true"></span>
                </Show>
                "Load more"
            </button>
        </Show>
        {move || {
            failure()
                .map(|error| {
                    view! { <p class="inline-error" role="alert">{format!("Could not load more {what}: {error}")}</p> }
                })
        }}
    }
}
