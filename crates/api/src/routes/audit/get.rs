use axum::extract::State;
use omni_types::audit::AuditEntry;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::audit_log;
use crate::error::{ApiError, ApiResult};
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// One audit entry, with its full details.
#[utoipa::path(
    get,
    path = "/api/v1/audit/{id}",
    tag = "audit",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = AuditEntry),
        (status = 404, response = NotFound),
    )
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<AuditEntry>> {
    audit_log::get(&state.db, id)
        .await?
        .map(|row| ApiJson(row.into()))
        .ok_or_else(|| ApiError::NotFound(format!("No audit entry {id}.")))
}
