//! The app root: shared state, the session gate and the route table.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{NavigateOptions, StaticSegment, WildcardSegment, path};

use crate::api::Api;
use crate::components::layout::ProtectedLayout;
use crate::components::session_gate::SessionGate;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::profile::ProfilePage;
use crate::routes;
use crate::state::{Session, Theme};

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    provide_context(Api::new(session));
    provide_context(Theme::new());

    view! {
        <SessionGate>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment(routes::LOGIN_SEGMENT) view=LoginPage />
                    <ParentRoute path=path!("") view=ProtectedLayout>
                        <Route path=path!("") view=Home />
                        <Route path=StaticSegment(routes::PROFILE.segment) view=ProfilePage />
                        <Route path=WildcardSegment("any") view=NotFoundPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </SessionGate>
    }
}

/// `/` has no page of its own yet: the profile is the landing page.
#[component]
fn Home() -> impl IntoView {
    view! { <Redirect path=routes::PROFILE.href() options=NavigateOptions { replace: true, ..Default::default() } /> }
}
