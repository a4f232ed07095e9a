use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::rbac::Role;

use crate::app::AppState;
use crate::db::roles;
use crate::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::ValidationFailed;

/// List roles with their permissions and how many admins hold each, by name.
#[utoipa::path(
    get,
    path = "/api/v1/roles",
    tag = "rbac",
    params(PageParams),
    responses(
        (status = 200, description = "One page of roles", body = Page<Role>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(State(state): State<AppState>, Query(params): Query<PageParams>) -> ApiResult<ApiJson<Page<Role>>> {
    let limit = params.limit()?;
    let after: Option<String> = params.after()?;
    let rows = roles::list(&state.db, after.as_deref(), i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |r| r.name.clone())))
}
