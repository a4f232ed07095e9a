//! The app root: shared state, the session gate and the route table.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, StaticSegment, WildcardSegment, path};

use crate::api::Api;
use crate::chunks::*;
use crate::components::layout::ProtectedLayout;
use crate::components::session_gate::SessionGate;
use crate::components::toasts::Toasts;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::realtime::Live;
use crate::routes;
use crate::state::{OrgScope, Session, Theme};

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    let api = Api::new(session);
    provide_context(api);
    provide_context(Live::new(session, api));
    provide_context(Toasts::new());
    provide_context(Theme::new());
    provide_context(OrgScope::new());

    // True while the router waits for a page's chunk (src/chunks.rs) before showing it.
    let (routing, set_routing) = signal(false);
    view! {
        <SessionGate>
            <Router set_is_routing=set_routing>
                // Shown only when opening a page takes a moment (a slow connection).
                <div
                    class="routing-progress"
                    class:routing-progress--active=move || routing.get()
                    role="progressbar"
                    aria-label="Opening the page"
                    aria-hidden=move || (!routing.get()).to_string()
                ></div>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment(routes::LOGIN_SEGMENT) view=LoginPage />
                    <ParentRoute path=path!("") view=ProtectedLayout>
                        <Route path=path!("") view={Lazy::<DashboardRoute>::new()} />
                        <Route path=StaticSegment(routes::ANALYTICS.segment) view={Lazy::<AnalyticsRoute>::new()} />
                        <Route path=StaticSegment(routes::PROFILE.segment) view={Lazy::<ProfileRoute>::new()} />
                        <Route path=StaticSegment(routes::AUDIT.segment) view={Lazy::<AuditRoute>::new()} />
                        <Route path=StaticSegment(routes::SECURITY.segment) view={Lazy::<SecurityRoute>::new()} />
                        <Route
                            path=(StaticSegment(routes::SECURITY.segment), StaticSegment(routes::SECURITY_PASSWORD_SEGMENT))
                            view={Lazy::<SecurityPasswordRoute>::new()}
                        />
                        <Route
                            path=(StaticSegment(routes::SECURITY.segment), StaticSegment(routes::SECURITY_MFA_SEGMENT))
                            view={Lazy::<SecurityMfaRoute>::new()}
                        />
                        <Route path=StaticSegment(routes::MCP_SERVERS.segment) view={Lazy::<McpServersRoute>::new()} />
                        <Route path=path!("mcp-servers/:id") view={Lazy::<McpServerRoute>::new()} />
                        <Route path=StaticSegment(routes::ORGANIZATIONS.segment) view={Lazy::<OrganizationsRoute>::new()} />
                        <Route path=path!("organizations/:id") view={Lazy::<OrganizationRoute>::new()} />
                        <Route path=StaticSegment(routes::USERS.segment) view={Lazy::<UsersRoute>::new()} />
                        // Before `users/:id`, which would take `import` for an id.
                        <Route
                            path=(StaticSegment(routes::USERS.segment), StaticSegment(routes::USERS_IMPORT_SEGMENT))
                            view={Lazy::<UsersImportRoute>::new()}
                        />
                        <Route path=path!("users/:id") view={Lazy::<UserRoute>::new()} />
                        <Route path=path!("settings/admins") view={Lazy::<AdminsRoute>::new()} />
                        <Route path=path!("settings/admins/:id") view={Lazy::<AdminRoute>::new()} />
                        <Route path=path!("settings/roles") view={Lazy::<RolesRoute>::new()} />
                        <Route path=path!("settings/tokens") view={Lazy::<TokensRoute>::new()} />
                        <Route path=path!("settings/usage") view={Lazy::<UsageIngestionRoute>::new()} />
                        <Route path=path!("settings/configuration") view={Lazy::<ConfigurationRoute>::new()} />
                        <Route path=WildcardSegment("any") view=NotFoundPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </SessionGate>
    }
}
