use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::header::Header;
use crate::components::set_document_title;
use crate::components::sidebar::Sidebar;
use crate::components::toasts::ToastRegion;
use crate::pages::security::gate::AccountGate;
use crate::reactive::effect;
use crate::realtime::LiveNotices;
use crate::routes;
use crate::state::{SessionStatus, SignOutCause, use_session};

/// Parent of every signed-in page: sends signed-out visitors to the sign-in page (and,
/// unless they chose to sign out, back here afterwards), and lays out the app around the
/// page.
#[component]
pub fn ProtectedLayout() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    move || match session.status() {
        SessionStatus::SignedIn => AppLayout().into_any(),
        SessionStatus::SignedOut(cause) => {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                search(&location.search.get_untracked())
            );
            let next = (cause == SignOutCause::NoSession).then_some(here);
            let to = routes::login_href(next.as_deref());
            view! { <Redirect path=to options=NavigateOptions { replace: true, ..Default::default() } /> }.into_any()
        }
        // The session gate renders no route before the startup check is over.
        SessionStatus::Loading => ().into_any(),
    }
}

fn search(query: &str) -> String {
    if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    }
}

#[component]
fn AppLayout() -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let menu_button = NodeRef::<html::Button>::new();
    let sidebar = NodeRef::<html::Aside>::new();
    let main = NodeRef::<html::Main>::new();
    let pathname = use_location().pathname;

    effect(move || set_document_title(routes::title_at(&pathname.get())));
    // A new page replaces what the open menu was covering.
    effect(move || {
        pathname.track();
        menu_open.set(false);
    });
    // Opening the menu moves focus into it, so keyboard users land on the links.
    effect(move || {
        if menu_open.get()
            && let Some(first_link) = sidebar
                .get()
                .and_then(|aside| aside.query_selector(".nav-link").ok().flatten())
            && let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(first_link)
        {
            request_animation_frame(move || {
                let _ = link.focus();
            });
        }
    });
    let escape = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
            if let Some(button) = menu_button.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    on_cleanup(move || escape.remove());

    view! {
        <a
            class="skip-link"
            href="#main"
            on:click=move |ev| {
                // Moving focus (not just scrolling) is what lets keyboard users skip the
                // navigation; the router would only scroll.
                ev.prevent_default();
                if let Some(main) = main.get() {
                    let _ = main.focus();
                }
            }
        >
            "Skip to main content"
        </a>
        <div class="shell" class:shell--menu-open=move || menu_open.get()>
            <Sidebar open=menu_open node_ref=sidebar />
            <div class="backdrop" on:click=move |_| menu_open.set(false) aria-hidden="true"></div>
            <div class="shell__body">
                <Header menu_open menu_button />
                <main id="main" class="content" tabindex="-1" node_ref=main>
                    <Breadcrumbs />
                    <AccountGate>
                        <Outlet />
                    </AccountGate>
                </main>
            </div>
        </div>
        <ToastRegion />
        <LiveNotices />
    }
}
