use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::icons::{Icon, IconSvg};
use crate::reactive::Show;

/// A failed load: what went wrong, the request id to quote, and a way to try again.
#[component]
pub fn ErrorPanel(
    title: &'static str,
    error: ApiError,
    on_retry: Callback<()>,
    /// True while the retry is under way.
    #[prop(into, optional)]
    retrying: Signal<bool>,
) -> impl IntoView {
    let request_id = error.request_id().map(str::to_owned);
    view! {
        <div class="error-panel" role="alert">
            <span class="error-panel__icon">
                <IconSvg icon=Icon::Alert />
            </span>
            <div class="error-panel__body">
                <h2 class="error-panel__title">{title}</h2>
                <p>{error.to_string()}</p>
                {request_id
                    .map(|id| {
                        view! {
                            <p class="muted small">"Request id: " <code>{id}</code></p>
                        }
                    })}
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| on_retry.run(())
                    disabled=move || retrying.get()
                    aria-busy=move || retrying.get().to_string()
                >
                    <Show when=move || retrying.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    "Retry"
                </button>
            </div>
        </div>
    }
}

/// The fallback of an `<ErrorBoundary>` around one data view. Errors reach it type-erased;
/// those of the API client get their full treatment back.
#[component]
pub fn BoundaryError(
    title: &'static str,
    errors: ArcRwSignal<Errors>,
    on_retry: Callback<()>,
    #[prop(into, optional)] retrying: Signal<bool>,
) -> impl IntoView {
    move || {
        let error = errors.with(|errors| {
            errors
                .iter()
                .next()
                .map(|(_, error)| match error.downcast_ref::<ApiError>() {
                    Some(api_error) => api_error.clone(),
                    None => ApiError::Decode(error.to_string()),
                })
        });
        error.map(|error| view! { <ErrorPanel title error on_retry retrying /> })
    }
}

/// What a page shows when its data did not load: the permission it needs on a 403, the
/// error with a retry otherwise.
pub fn load_failure(
    error: ApiError,
    permission: omni_types::Permission,
    title: &'static str,
    on_retry: Callback<()>,
    retrying: impl Into<Signal<bool>>,
) -> AnyView {
    if error.status() == Some(403) {
        view! { <crate::components::permission_required::PermissionRequired permission /> }.into_any()
    } else {
        let retrying = retrying.into();
        view! { <ErrorPanel title error on_retry retrying /> }.into_any()
    }
}
