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

/// The chunks: each a module with the enum of its pages and the split function that
/// renders one, and for each page its route, `Lazy::<Route>::new()` in the route table.
macro_rules! chunks {
    ($($(#[$doc:meta])* $chunk:ident { $($route:ident => $page:ident),+ $(,)? }),+ $(,)?) => {$(
        $(#[$doc])*
        mod $chunk {
            use super::*;

            // A page is named by its route.
            #[allow(clippy::enum_variant_names)]
            pub enum Page {
                $($route),+
            }

            #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
            pub fn render(page: Page) -> Result<AnyView, SplitLoaderError> {
                Ok(match page {
                    $(Page::$route => view! { <$page /> }.into_any()),+
                })
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_: Self) -> AnyView {
                    $chunk::render($chunk::Page::$route)
                        .await
                        .unwrap_or_else(|_| view! { <ChunkFailed /> }.into_any())
                }
            }
        )+
    )+};
}

chunks! {
    /// The dashboard: the page after sign-in, so its chunk is kept small (the charts it
    /// shares with analytics are a shared piece).
    dashboard { DashboardRoute => DashboardPage },
    analytics { AnalyticsRoute => AnalyticsPage },
    mcp {
        McpServersRoute => McpServersPage,
        McpServerRoute => McpServerDetailPage,
    },
    /// Organizations and hub users.
    tenants {
        OrganizationsRoute => OrganizationsPage,
        OrganizationRoute => OrganizationDetailPage,
        UsersRoute => UsersPage,
        UsersImportRoute => UsersImportPage,
        UserRoute => UserDetailPage,
    },
    /// The admin's own account, security and the audit log.
    account {
        ProfileRoute => ProfilePage,
        SecurityRoute => SecurityPage,
        SecurityPasswordRoute => SecurityPasswordPage,
        SecurityMfaRoute => SecurityMfaPage,
        AuditRoute => AuditPage,
    },
    /// Settings: admins, roles, API tokens, usage ingestion.
    settings {
        AdminsRoute => AdminsPage,
        AdminRoute => AdminDetailPage,
        RolesRoute => RolesPage,
        TokensRoute => TokensPage,
        UsageIngestionRoute => UsageIngestionPage,
    },
    configuration { ConfigurationRoute => ConfigurationPage },
}
