use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use omni_types::mcp::{HealthCheck, HealthReport, HealthSource, HealthStatus, Transport};
use serde_json::json;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::mcp_health::{self, NewCheck};
use crate::db::mcp_servers;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};
use crate::validate;

/// The hub reports the health of a stdio server it runs (an API token with
/// `mcp:report`). HTTP servers are checked by the admin plane itself.
#[utoipa::path(
    post,
    path = "/api/v1/mcp-servers/{id}/health-reports",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id")),
    request_body = HealthReport,
    responses(
        (status = 201, description = "Recorded", body = HealthCheck),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "Not a stdio server", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn health_report(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(report): ApiJson<HealthReport>,
) -> ApiResult<(StatusCode, ApiJson<HealthCheck>)> {
    let mut errors = FieldErrors::new();
    let mut err = |field: &str, message: &str| errors.entry(field.into()).or_default().push(message.into());
    if matches!(report.status, HealthStatus::Disabled | HealthStatus::Unknown) {
        err("status", "must be `up`, `degraded`, `down` or `auth_required`");
    }
    if report.latency_ms.is_some_and(|l| !(0..=3_600_000).contains(&l)) {
        err("latency_ms", "must be between 0 and 3600000");
    }
    for (field, value, max) in [
        ("error", &report.error, 2000),
        ("protocol_version", &report.protocol_version, 200),
        ("server_name", &report.server_name, 200),
        ("server_version", &report.server_version, 200),
    ] {
        if let Err(m) = validate::optional_text(value.as_deref(), max) {
            err(field, &m);
        }
    }
    let now = Utc::now();
    let observed_at = report.observed_at.unwrap_or(now);
    if observed_at > now + Duration::minutes(5) {
        err("observed_at", "must not be in the future");
    } else if observed_at < now - Duration::hours(24) {
        err("observed_at", "must be within the last 24 hours");
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let mut tx = state.db.begin().await?;
    mcp_servers::lock(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let server = mcp_servers::get(&mut *tx, id).await?.context("server just locked")?;
    if server.transport != Transport::Stdio {
        return Err(ApiError::Conflict {
            field: "transport".into(),
            message: "the admin plane checks Streamable HTTP servers itself; reports are for stdio servers".into(),
        });
    }
    let check = mcp_health::record(
        &mut tx,
        &NewCheck {
            server_id: id,
            source: HealthSource::Report,
            checked_at: observed_at,
            status: report.status,
            latency_ms: report.latency_ms,
            error: report.error.as_deref(),
            protocol_version: report.protocol_version.as_deref(),
            server_name: report.server_name.as_deref(),
            server_version: report.server_version.as_deref(),
            tool_count: None,
        },
    )
    .await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "mcp_server.health_reported",
        resource_type: "mcp_server",
        resource_id: Some(id.to_string()),
        details: json!({ "status": check.status, "latency_ms": check.latency_ms, "observed_at": observed_at }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(check)))
}
