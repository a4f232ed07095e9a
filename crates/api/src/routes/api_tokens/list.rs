use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use omni_types::Page;
use omni_types::tokens::ApiToken;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::api_tokens;
use crate::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::ValidationFailed;

/// Your API tokens, newest first (secrets are never shown again).
#[utoipa::path(
    get,
    path = "/api/v1/api-tokens",
    tag = "api-tokens",
    params(PageParams),
    responses(
        (status = 200, description = "One page of tokens", body = Page<ApiToken>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<ApiToken>>> {
    let limit = params.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = params.after()?;
    let tokens = api_tokens::list(&state.db, principal.admin_id, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(tokens, limit, |t| (t.created_at, t.id))))
}
