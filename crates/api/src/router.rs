//! Every route, in one place, each with the access it needs (SPEC RBAC-3).

use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{Access, guard};
use crate::openapi::ApiDoc;
use crate::routes::{admins, api_tokens, audit, auth, authz, roles};
use omni_types::Permission;

/// The REST API under `/api/v1` and its OpenAPI document.
pub fn api() -> (axum::Router<AppState>, OpenApiDoc) {
    use Access::{Authenticated, Public, SignedIn};
    use utoipa::OpenApi;
    let needs = Access::Permission;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        // Sessions
        .routes(guard(Public, routes!(auth::login::login)))
        .routes(guard(Public, routes!(auth::refresh::refresh)))
        .routes(guard(Public, routes!(auth::logout::logout)))
        .routes(guard(Authenticated, routes!(auth::me::me)))
        .routes(guard(SignedIn, routes!(auth::password::change)))
        // API tokens (minted and managed by signed-in admins, never by tokens)
        .routes(guard(SignedIn, routes!(api_tokens::list::list)))
        .routes(guard(SignedIn, routes!(api_tokens::create::create)))
        .routes(guard(SignedIn, routes!(api_tokens::revoke::revoke)))
        // Admins, roles and permissions
        .routes(guard(needs(Permission::AdminsRead), routes!(admins::list::list)))
        .routes(guard(needs(Permission::AdminsManage), routes!(admins::create::create)))
        .routes(guard(needs(Permission::AdminsRead), routes!(admins::get::get)))
        .routes(guard(needs(Permission::AdminsManage), routes!(admins::update::update)))
        .routes(guard(
            needs(Permission::AdminsManage),
            routes!(admins::reset_password::reset_password),
        ))
        .routes(guard(needs(Permission::AdminsRead), routes!(authz::check::check)))
        .routes(guard(needs(Permission::AdminsRead), routes!(roles::list::list)))
        .routes(guard(needs(Permission::AdminsManage), routes!(roles::create::create)))
        .routes(guard(needs(Permission::AdminsRead), routes!(roles::get::get)))
        .routes(guard(needs(Permission::AdminsManage), routes!(roles::update::update)))
        .routes(guard(needs(Permission::AdminsManage), routes!(roles::delete::delete)))
        .routes(guard(
            needs(Permission::AdminsRead),
            routes!(roles::permissions::permissions),
        ))
        // Audit log
        .routes(guard(needs(Permission::AuditRead), routes!(audit::list::list)))
        .routes(guard(needs(Permission::AuditRead), routes!(audit::verify::verify)))
        .routes(guard(needs(Permission::AuditRead), routes!(audit::export::export)))
        .routes(guard(needs(Permission::AuditRead), routes!(audit::get::get)))
        .split_for_parts()
}

/// The OpenAPI document alone (`omni-admin openapi`, the drift test).
pub fn openapi() -> OpenApiDoc {
    api().1
}
