use axum::extract::{Query, RawQuery, State};
use omni_types::Page;
use omni_types::audit::{AuditEntry, AuditFilter};

use crate::app::AppState;
use crate::db::audit_log;
use crate::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::ValidationFailed;

/// Audit entries, newest first, filtered; keyset-paginated.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditFilter, PageParams),
    responses(
        (status = 200, description = "One page of entries, newest first", body = Page<AuditEntry>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> ApiResult<ApiJson<Page<AuditEntry>>> {
    let filter = super::parse_filter(raw.as_deref())?;
    let limit = params.limit()?;
    let before: Option<i64> = params.after()?;
    let rows = audit_log::list(&state.db, &filter, before, i64::from(limit) + 1).await?;
    let entries: Vec<AuditEntry> = rows.into_iter().map(AuditEntry::from).collect();
    Ok(ApiJson(page(entries, limit, |e| e.seq)))
}
