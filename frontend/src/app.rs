//! The app root: shared state, the session gate and the route table.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{StaticSegment, WildcardSegment, path};

use crate::api::Api;
use crate::components::layout::ProtectedLayout;
use crate::components::session_gate::SessionGate;
use crate::components::toasts::Toasts;
use crate::pages::admins::{AdminDetailPage, AdminsPage};
use crate::pages::analytics::AnalyticsPage;
use crate::pages::audit::AuditPage;
use crate::pages::configuration::ConfigurationPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::login::LoginPage;
use crate::pages::mcp_servers::{McpServerDetailPage, McpServersPage};
use crate::pages::not_found::NotFoundPage;
use crate::pages::organizations::{OrganizationDetailPage, OrganizationsPage};
use crate::pages::profile::ProfilePage;
use crate::pages::roles::RolesPage;
use crate::pages::security::{SecurityMfaPage, SecurityPage, SecurityPasswordPage};
use crate::pages::tokens::TokensPage;
use crate::pages::usage_ingestion::UsageIngestionPage;
use crate::pages::users::{UserDetailPage, UsersImportPage, UsersPage};
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

    view! {
        <SessionGate>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment(routes::LOGIN_SEGMENT) view=LoginPage />
                    <ParentRoute path=path!("") view=ProtectedLayout>
                        <Route path=path!("") view=DashboardPage />
                        <Route path=StaticSegment(routes::ANALYTICS.segment) view=AnalyticsPage />
                        <Route path=StaticSegment(routes::PROFILE.segment) view=ProfilePage />
                        <Route path=StaticSegment(routes::AUDIT.segment) view=AuditPage />
                        <Route path=StaticSegment(routes::SECURITY.segment) view=SecurityPage />
                        <Route
                            path=(StaticSegment(routes::SECURITY.segment), StaticSegment(routes::SECURITY_PASSWORD_SEGMENT))
                            view=SecurityPasswordPage
                        />
                        <Route
                            path=(StaticSegment(routes::SECURITY.segment), StaticSegment(routes::SECURITY_MFA_SEGMENT))
                            view=SecurityMfaPage
                        />
                        <Route path=StaticSegment(routes::MCP_SERVERS.segment) view=McpServersPage />
                        <Route path=path!("mcp-servers/:id") view=McpServerDetailPage />
                        <Route path=StaticSegment(routes::ORGANIZATIONS.segment) view=OrganizationsPage />
                        <Route path=path!("organizations/:id") view=OrganizationDetailPage />
                        <Route path=StaticSegment(routes::USERS.segment) view=UsersPage />
                        // Before `users/:id`, which would take `import` for an id.
                        <Route
                            path=(StaticSegment(routes::USERS.segment), StaticSegment(routes::USERS_IMPORT_SEGMENT))
                            view=UsersImportPage
                        />
                        <Route path=path!("users/:id") view=UserDetailPage />
                        <Route path=path!("settings/admins") view=AdminsPage />
                        <Route path=path!("settings/admins/:id") view=AdminDetailPage />
                        <Route path=path!("settings/roles") view=RolesPage />
                        <Route path=path!("settings/tokens") view=TokensPage />
                        <Route path=path!("settings/usage") view=UsageIngestionPage />
                        <Route path=path!("settings/configuration") view=ConfigurationPage />
                        <Route path=WildcardSegment("any") view=NotFoundPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </SessionGate>
    }
}
