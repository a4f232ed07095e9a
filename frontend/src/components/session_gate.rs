use leptos::prelude::*;

use crate::components::full_page::{FullPageError, FullPageLoading};
use crate::reactive::{LocalAction, Show, memo};
use crate::state::{SessionStatus, use_api, use_session};

/// Holds the app back until the startup refresh has said whether there is a session, so
/// a reload neither flashes the sign-in page nor sends a signed-in admin to it.
#[component]
pub fn SessionGate(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let api = use_api();
    let restore = LocalAction::new(move |_: &()| async move { api.restore().await });
    restore.dispatch(());
    let settled = memo(move || session.status() != SessionStatus::Loading);
    let retrying = restore.pending();
    let waiting = move || match restore.value().get() {
        Some(Err(error)) => view! {
            <FullPageError error on_retry=Callback::new(move |()| {
                restore.dispatch(());
            }) retrying />
        }
        .into_any(),
        _ => view! { <FullPageLoading /> }.into_any(),
    };
    view! {
        <Show when=move || settled.get() fallback=waiting>
            {children()}
        </Show>
    }
}
