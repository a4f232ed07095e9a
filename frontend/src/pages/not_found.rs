use leptos::prelude::*;
use leptos_router::components::A;

use crate::routes;

/// Any path the SPA does not know. The server answers such paths with the app itself, so
/// this is where a mistyped or outdated link ends up.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="not-found">
            <p class="not-found__code" aria-hidden="true">"404"</p>
            <h1>{routes::NOT_FOUND_TITLE}</h1>
            <p class="muted">"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <A href=routes::HOME attr:class="button button--primary">"Go to home"</A>
        </section>
    }
}
