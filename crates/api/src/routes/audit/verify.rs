use axum::extract::State;
use omni_types::audit::AuditVerification;

use crate::app::AppState;
use crate::db::audit_log;
use crate::error::ApiResult;
use crate::http::json::ApiJson;

/// Walk the hash chain and report the first entry whose hash or link does not match.
///
/// `content_changed`: the entry was altered after it was written. `chain_broken`: the
/// entry does not follow its predecessor (an entry before it was removed or rewritten).
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    responses((status = 200, description = "Whether the chain is intact", body = AuditVerification))
)]
pub async fn verify(State(state): State<AppState>) -> ApiResult<ApiJson<AuditVerification>> {
    Ok(ApiJson(audit_log::verify(&state.db).await?))
}
