use axum::extract::State;
use omni_types::usage::{IngestBatch, IngestReport, MAX_BATCH};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::principal::Credential;
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};
use crate::usage::ingest::{self, Incoming};

/// Largest request body this route reads (5,000 events of up to ~3 KB).
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The batch as read: each event's JSON, judged one by one.
#[derive(Deserialize)]
pub struct RawBatch {
    events: Vec<Box<RawValue>>,
}

/// Push a batch of usage events.
///
/// Each event is judged on its own and the answer lists every event's outcome in the
/// order sent: `accepted` (counted), `duplicate` (its id was counted before: resending
/// a batch is safe) or `rejected` with a reason; rejected events are kept as dead
/// letters to replay once the cause is fixed. Events of a suspended organization are
/// rejected. The batch is stored in one transaction: after an error answer nothing of
/// it was stored, and it can be sent again as it is.
#[utoipa::path(
    post,
    path = "/api/v1/events",
    tag = "usage",
    request_body = IngestBatch,
    responses(
        (status = 200, description = "What became of each event", body = IngestReport),
        (status = 400, response = MalformedBody),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn ingest(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(batch): ApiJson<RawBatch>,
) -> ApiResult<ApiJson<IngestReport>> {
    if batch.events.is_empty() || batch.events.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "events",
            format!("must hold 1 to {MAX_BATCH} events"),
        ));
    }
    let events: Vec<Incoming> = batch
        .events
        .iter()
        .map(|json| Incoming {
            json,
            dead_letter: None,
        })
        .collect();
    let token = match principal.via {
        Credential::Token { token_id, .. } => Some(token_id),
        Credential::Session { .. } => None,
    };
    let _slot = state.ingest_slot().await;
    let mut tx = crate::db::usage::begin_rollup_write(&state.db).await?;
    let report = ingest::ingest(&mut tx, &events, super::limits(&state), token).await?;
    tx.commit().await?;
    metrics::counter!("omni_usage_events_total", "outcome" => "accepted").increment(report.accepted as u64);
    metrics::counter!("omni_usage_events_total", "outcome" => "duplicate").increment(report.duplicates as u64);
    metrics::counter!("omni_usage_events_total", "outcome" => "rejected").increment(report.rejected as u64);
    Ok(ApiJson(report))
}
