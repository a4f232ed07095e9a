//! Every route, in one place, each with the access it needs (SPEC RBAC-3).

use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{Access, guard};
use crate::openapi::ApiDoc;
use crate::routes::{
    admins, analytics, api_tokens, audit, auth, authz, config, dashboard, events, hub_users as users,
    mcp_servers as mcp, orgs, roles, settings,
};
use omni_types::Permission;

/// The REST API under `/api/v1` and its OpenAPI document.
pub fn api() -> (axum::Router<AppState>, OpenApiDoc) {
    use Access::{Authenticated, Public, SignedIn};
    use utoipa::OpenApi;
    let needs = Access::Permission;
    let (admins_read, admins_manage) = (needs(Permission::AdminsRead), needs(Permission::AdminsManage));
    let audit_read = needs(Permission::AuditRead);
    let (mcp_read, mcp_write, mcp_report) = (
        needs(Permission::McpRead),
        needs(Permission::McpWrite),
        needs(Permission::McpReport),
    );
    let (orgs_read, orgs_write) = (needs(Permission::OrgsRead), needs(Permission::OrgsWrite));
    let (users_read, users_write, users_authorize) = (
        needs(Permission::UsersRead),
        needs(Permission::UsersWrite),
        needs(Permission::UsersAuthorize),
    );
    let (telemetry_read, events_write) = (needs(Permission::TelemetryRead), needs(Permission::EventsWrite));
    let events_manage = needs(Permission::EventsManage);
    let (settings_read, settings_write) = (needs(Permission::SettingsRead), needs(Permission::SettingsWrite));
    let (config_read, config_write) = (needs(Permission::ConfigRead), needs(Permission::ConfigWrite));
    // Batches of 5,000 events are larger than the default body limit.
    let (schemas, paths, ingest) = guard(events_write, routes!(events::ingest::ingest));
    let ingest = (
        schemas,
        paths,
        ingest.layer(axum::extract::DefaultBodyLimit::max(events::ingest::BODY_LIMIT)),
    );
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        // Sessions
        .routes(guard(Public, routes!(auth::login::login)))
        .routes(guard(Public, routes!(auth::mfa::login::login)))
        .routes(guard(Public, routes!(auth::refresh::refresh)))
        .routes(guard(Public, routes!(auth::logout::logout)))
        .routes(guard(Authenticated, routes!(auth::me::me)))
        .routes(guard(SignedIn, routes!(auth::password::change)))
        .routes(guard(SignedIn, routes!(auth::mfa::enrol::enrol)))
        .routes(guard(SignedIn, routes!(auth::mfa::confirm::confirm)))
        .routes(guard(SignedIn, routes!(auth::mfa::backup_codes::regenerate)))
        // API tokens (minted and managed by signed-in admins, never by tokens)
        .routes(guard(SignedIn, routes!(api_tokens::list::list)))
        .routes(guard(SignedIn, routes!(api_tokens::create::create)))
        .routes(guard(SignedIn, routes!(api_tokens::revoke::revoke)))
        // Admins, roles and permissions
        .routes(guard(admins_read, routes!(admins::list::list)))
        .routes(guard(admins_manage, routes!(admins::create::create)))
        .routes(guard(admins_read, routes!(admins::get::get)))
        .routes(guard(admins_manage, routes!(admins::update::update)))
        .routes(guard(admins_manage, routes!(admins::reset_password::reset_password)))
        .routes(guard(admins_manage, routes!(admins::reset_mfa::reset_mfa)))
        .routes(guard(admins_read, routes!(authz::check::check)))
        .routes(guard(admins_read, routes!(roles::list::list)))
        .routes(guard(admins_manage, routes!(roles::create::create)))
        .routes(guard(admins_read, routes!(roles::get::get)))
        .routes(guard(admins_manage, routes!(roles::update::update)))
        .routes(guard(admins_manage, routes!(roles::delete::delete)))
        .routes(guard(admins_read, routes!(roles::permissions::permissions)))
        // Audit log
        .routes(guard(audit_read, routes!(audit::list::list)))
        .routes(guard(audit_read, routes!(audit::verify::verify)))
        .routes(guard(audit_read, routes!(audit::export::export)))
        .routes(guard(audit_read, routes!(audit::get::get)))
        // MCP servers
        .routes(guard(mcp_read, routes!(mcp::list::list)))
        .routes(guard(mcp_write, routes!(mcp::create::create)))
        .routes(guard(mcp_read, routes!(mcp::get::get)))
        .routes(guard(mcp_write, routes!(mcp::update::update)))
        .routes(guard(mcp_write, routes!(mcp::delete::delete)))
        .routes(guard(mcp_read, routes!(mcp::impact::impact)))
        .routes(guard(mcp_write, routes!(mcp::health_check::health_check)))
        .routes(guard(mcp_read, routes!(mcp::health_checks::health_checks)))
        .routes(guard(mcp_report, routes!(mcp::health_report::health_report)))
        .routes(guard(mcp_read, routes!(mcp::tools::tools)))
        .routes(guard(mcp_read, routes!(mcp::tool_changes::list)))
        .routes(guard(mcp_write, routes!(mcp::tool_changes::decide)))
        // Organizations
        .routes(guard(orgs_read, routes!(orgs::list::list)))
        .routes(guard(orgs_write, routes!(orgs::create::create)))
        .routes(guard(orgs_read, routes!(orgs::get::get)))
        .routes(guard(orgs_write, routes!(orgs::update::update)))
        .routes(guard(orgs_write, routes!(orgs::delete::delete)))
        .routes(guard(orgs_read, routes!(orgs::impact::impact)))
        .routes(guard(orgs_write, routes!(orgs::status::suspend)))
        .routes(guard(orgs_write, routes!(orgs::status::activate)))
        .routes(guard(orgs_read, routes!(orgs::status::history)))
        // Hub users and what they may call
        .routes(guard(users_read, routes!(users::list::list)))
        .routes(guard(users_write, routes!(users::create::create)))
        .routes(guard(users_write, routes!(users::import::import)))
        .routes(guard(users_read, routes!(users::get::get)))
        .routes(guard(users_write, routes!(users::update::update)))
        .routes(guard(users_write, routes!(users::delete::delete)))
        .routes(guard(users_read, routes!(users::permissions::list)))
        .routes(guard(users_write, routes!(users::permissions::replace)))
        .routes(guard(users_read, routes!(users::effective::effective)))
        .routes(guard(users_authorize, routes!(authz::can_call::can_call)))
        // Usage events and their dead letters
        .routes(ingest)
        .routes(guard(telemetry_read, routes!(events::dead_letters::list)))
        .routes(guard(events_manage, routes!(events::dead_letters::replay)))
        .routes(guard(events_manage, routes!(events::dead_letters::discard)))
        // Analytics and the dashboard
        .routes(guard(telemetry_read, routes!(analytics::views::overview)))
        .routes(guard(telemetry_read, routes!(analytics::views::timeseries)))
        .routes(guard(telemetry_read, routes!(analytics::views::breakdown)))
        .routes(guard(telemetry_read, routes!(analytics::views::errors)))
        .routes(guard(telemetry_read, routes!(analytics::views::heatmap)))
        .routes(guard(telemetry_read, routes!(analytics::export::export)))
        .routes(guard(telemetry_read, routes!(dashboard::dashboard)))
        // Configuration as code
        .routes(guard(config_read, routes!(config::export::export)))
        .routes(guard(config_read, routes!(config::status::status)))
        .routes(large_body(guard(config_read, routes!(config::validate::validate))))
        .routes(large_body(guard(config_read, routes!(config::diff::diff))))
        .routes(large_body(guard(config_write, routes!(config::apply::apply))))
        .routes(guard(config_read, routes!(config::snapshots::list)))
        .routes(guard(config_read, routes!(config::snapshots::get)))
        .routes(guard(config_read, routes!(config::snapshots::compare)))
        .routes(guard(config_write, routes!(config::snapshots::rollback)))
        // Real-time: the socket authenticates with its first message (`live::socket`)
        .routes(guard(Public, routes!(crate::live::socket::ws)))
        // Platform settings
        .routes(guard(settings_read, routes!(settings::model_prices::get)))
        .routes(guard(settings_write, routes!(settings::model_prices::replace)))
        .split_for_parts()
}

/// Configuration documents are larger than the default body limit.
fn large_body(
    (schemas, paths, router): utoipa_axum::router::UtoipaMethodRouter<AppState>,
) -> utoipa_axum::router::UtoipaMethodRouter<AppState> {
    let limit = axum::extract::DefaultBodyLimit::max(config::BODY_LIMIT);
    (schemas, paths, router.layer(limit))
}

/// The OpenAPI document alone (`omni-admin openapi`, the drift test).
pub fn openapi() -> OpenApiDoc {
    api().1
}
