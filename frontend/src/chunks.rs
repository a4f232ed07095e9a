//! The SPA's chunks: the pages behind the sign-in, in seven groups, each split off the
//! main WASM (`scripts/build-spa.sh`) and fetched the first time one of its pages opens.
//! The first download is the shell, the sign-in page and the code the pages share.
//!
//! A chunk is one split function that renders any of its pages: everything only its
//! pages reach moves into it, and what several chunks share goes into the main module
//! or a shared piece the splitter fetches with them. Pages are grouped by what an admin
//! opens together and by the code they share (the charts, the tenant tables), so a
//! session fetches a few chunks, not one per page. A route names its page as
//! [`LazyRoute`]; the router awaits the chunk before it shows the page. (Leptos'
//! `#[lazy]` would panic, and so abort the app, when a chunk fails to download; the
//! splitter's `fallible` option hands the failure back, and the page says so.)

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::LazyRoute;

use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::pages::admins::{AdminDetailPage, AdminsPage};
use crate::pages::analytics::AnalyticsPage;
use crate::pages::audit::AuditPage;
use crate::pages::configuration::ConfigurationPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::mcp_servers::{McpServerDetailPage, McpServersPage};
use crate::pages::organizations::{OrganizationDetailPage, OrganizationsPage};
use crate::pages::profile::ProfilePage;
use crate::pages::roles::RolesPage;
use crate::pages::security::{SecurityMfaPage, SecurityPage, SecurityPasswordPage};
use crate::pages::tokens::TokensPage;
use crate::pages::usage_ingestion::UsageIngestionPage;
use crate::pages::users::{UserDetailPage, UsersImportPage, UsersPage};

/// The dashboard: the page after sign-in, so its chunk is kept small (the charts it
/// shares with analytics are a shared piece).
enum Dashboard {
    Dashboard,
}

#[wasm_split(dashboard, wasm_split_path = ::leptos::wasm_split, fallible)]
fn dashboard(page: Dashboard) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Dashboard::Dashboard => view! { <DashboardPage /> }.into_any(),
    })
}

/// Analytics.
enum Analytics {
    Analytics,
}

#[wasm_split(analytics, wasm_split_path = ::leptos::wasm_split, fallible)]
fn analytics(page: Analytics) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Analytics::Analytics => view! { <AnalyticsPage /> }.into_any(),
    })
}

/// MCP servers.
enum Mcp {
    Servers,
    Server,
}

#[wasm_split(mcp, wasm_split_path = ::leptos::wasm_split, fallible)]
fn mcp(page: Mcp) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Mcp::Servers => view! { <McpServersPage /> }.into_any(),
        Mcp::Server => view! { <McpServerDetailPage /> }.into_any(),
    })
}

/// Organizations and hub users.
enum Tenants {
    Organizations,
    Organization,
    Users,
    UsersImport,
    User,
}

#[wasm_split(tenants, wasm_split_path = ::leptos::wasm_split, fallible)]
fn tenants(page: Tenants) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Tenants::Organizations => view! { <OrganizationsPage /> }.into_any(),
        Tenants::Organization => view! { <OrganizationDetailPage /> }.into_any(),
        Tenants::Users => view! { <UsersPage /> }.into_any(),
        Tenants::UsersImport => view! { <UsersImportPage /> }.into_any(),
        Tenants::User => view! { <UserDetailPage /> }.into_any(),
    })
}

/// The admin's own account, security and the audit log.
enum Account {
    Profile,
    Security,
    SecurityPassword,
    SecurityMfa,
    Audit,
}

#[wasm_split(account, wasm_split_path = ::leptos::wasm_split, fallible)]
fn account(page: Account) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Account::Profile => view! { <ProfilePage /> }.into_any(),
        Account::Security => view! { <SecurityPage /> }.into_any(),
        Account::SecurityPassword => view! { <SecurityPasswordPage /> }.into_any(),
        Account::SecurityMfa => view! { <SecurityMfaPage /> }.into_any(),
        Account::Audit => view! { <AuditPage /> }.into_any(),
    })
}

/// Settings: admins, roles, API tokens, usage ingestion.
enum Settings {
    Admins,
    Admin,
    Roles,
    Tokens,
    UsageIngestion,
}

#[wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible)]
fn settings(page: Settings) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Settings::Admins => view! { <AdminsPage /> }.into_any(),
        Settings::Admin => view! { <AdminDetailPage /> }.into_any(),
        Settings::Roles => view! { <RolesPage /> }.into_any(),
        Settings::Tokens => view! { <TokensPage /> }.into_any(),
        Settings::UsageIngestion => view! { <UsageIngestionPage /> }.into_any(),
    })
}

/// Configuration as code.
enum Configuration {
    Configuration,
}

#[wasm_split(configuration, wasm_split_path = ::leptos::wasm_split, fallible)]
fn configuration(page: Configuration) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Configuration::Configuration => view! { <ConfigurationPage /> }.into_any(),
    })
}

/// A chunk that could not be fetched: the connection dropped, or Omni Admin was updated
/// and the chunks of the version this tab runs are gone. Reloading gets the current
/// version (the sign-in survives it).
#[component]
fn ChunkFailed() -> impl IntoView {
    let error = ApiError::Network("this page's part of the app did not download".to_owned());
    let reload = Callback::new(|()| {
        let _ = window().location().reload();
    });
    view! { <ErrorPanel title="This page could not be opened" error on_retry=reload /> }
}

/// A route's page: `Lazy::<Route>::new()` in the route table.
macro_rules! routes {
    ($($route:ident => $chunk:ident($page:expr)),+ $(,)?) => {$(
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                $chunk($page).await.unwrap_or_else(|_| view! { <ChunkFailed /> }.into_any())
            }
        }
    )+};
}

routes! {
    DashboardRoute => dashboard(Dashboard::Dashboard),
    AnalyticsRoute => analytics(Analytics::Analytics),
    McpServersRoute => mcp(Mcp::Servers),
    McpServerRoute => mcp(Mcp::Server),
    OrganizationsRoute => tenants(Tenants::Organizations),
    OrganizationRoute => tenants(Tenants::Organization),
    UsersRoute => tenants(Tenants::Users),
    UsersImportRoute => tenants(Tenants::UsersImport),
    UserRoute => tenants(Tenants::User),
    ProfileRoute => account(Account::Profile),
    SecurityRoute => account(Account::Security),
    SecurityPasswordRoute => account(Account::SecurityPassword),
    SecurityMfaRoute => account(Account::SecurityMfa),
    AuditRoute => account(Account::Audit),
    AdminsRoute => settings(Settings::Admins),
    AdminRoute => settings(Settings::Admin),
    RolesRoute => settings(Settings::Roles),
    TokensRoute => settings(Settings::Tokens),
    UsageIngestionRoute => settings(Settings::UsageIngestion),
    ConfigurationRoute => configuration(Configuration::Configuration),
}
