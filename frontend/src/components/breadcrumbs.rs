use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::routes;

/// Where the admin is: Home, then the current page.
#[component]
pub fn Breadcrumbs() -> impl IntoView {
    let pathname = use_location().pathname;
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li>
                    <A href=routes::HOME>"Home"</A>
                </li>
                <li>
                    <span aria-current="page">{move || routes::title_at(&pathname.get())}</span>
                </li>
            </ol>
        </nav>
    }
}
