//! Every route, in one place, each with the access it needs (SPEC RBAC-3).

use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{Access, guard};
use crate::openapi::ApiDoc;
use crate::routes::{auth, roles};
use omni_types::Permission;

/// The REST API under `/api/v1` and its OpenAPI document.
pub fn api() -> (axum::Router<AppState>, OpenApiDoc) {
    use utoipa::OpenApi;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(guard(Access::Public, routes!(auth::login::login)))
        .routes(guard(Access::Public, routes!(auth::refresh::refresh)))
        .routes(guard(Access::Public, routes!(auth::logout::logout)))
        .routes(guard(Access::Authenticated, routes!(auth::me::me)))
        .routes(guard(
            Access::Permission(Permission::AdminsRead),
            routes!(roles::list::list),
        ))
        .split_for_parts()
}

/// The OpenAPI document alone (`omni-admin openapi`, the drift test).
pub fn openapi() -> OpenApiDoc {
    api().1
}
