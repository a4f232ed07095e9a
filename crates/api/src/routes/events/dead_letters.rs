//! Refused usage events, kept with why (SPEC ANA-1): list, replay after fixing the
//! cause, discard.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use omni_types::Page;
use omni_types::usage::{DeadLetter, RejectReason, ReplayReport, ReplayRequest};
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::usage;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};
use crate::usage::ingest::{self, Incoming};
use crate::validate;

/// Dead letters one replay takes at most.
const MAX_REPLAY: i64 = 10_000;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadLetterFilter {
    /// Only this reason (`unknown_user`, `organization_suspended`, …).
    pub reason: Option<String>,
}

/// List dead letters, most recently refused first.
#[utoipa::path(
    get,
    path = "/api/v1/events/dead-letters",
    tag = "usage",
    params(DeadLetterFilter, PageParams),
    responses(
        (status = 200, description = "One page of dead letters", body = Page<DeadLetter>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<DeadLetterFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<DeadLetter>>> {
    let reason = validate::optional_choice::<RejectReason>(filter.reason.as_deref())
        .map_err(|m| ApiError::invalid("reason", m))?;
    let limit = params.limit()?;
    let after = params.after::<(DateTime<Utc>, Uuid)>()?;
    let rows = usage::dead_letters(&state.db, reason, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |l| (l.last_seen_at, l.id))))
}

/// Replay dead letters: ingest them again, as sent.
///
/// For events refused for a cause since fixed (the user now exists, the organization
/// was activated). Those now counted (or found already counted) are removed; the
/// others stay, with the new reason and one more attempt.
#[utoipa::path(
    post,
    path = "/api/v1/events/dead-letters/replay",
    tag = "usage",
    request_body = ReplayRequest,
    responses(
        (status = 200, description = "What the replay did", body = ReplayReport),
        (status = 400, response = MalformedBody),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn replay(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<ReplayRequest>,
) -> ApiResult<ApiJson<ReplayReport>> {
    let mut errors = FieldErrors::new();
    match (&body.ids, body.reason) {
        (None, None) => {
            errors.insert("ids".into(), vec!["give `ids` or `reason`".into()]);
        }
        (Some(ids), _) if ids.is_empty() || ids.len() > MAX_REPLAY as usize => {
            errors.insert("ids".into(), vec![format!("must list 1 to {MAX_REPLAY} dead letters")]);
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let _slot = state.ingest_slot().await;
    let mut tx = crate::db::usage::begin_rollup_write(&state.db).await?;
    let letters = usage::dead_letters_to_replay(&mut *tx, body.ids.as_deref(), body.reason, MAX_REPLAY).await?;
    let payloads: Vec<Box<RawValue>> = letters
        .iter()
        .map(|(_, text)| RawValue::from_string(text.clone()))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("a stored dead letter is not JSON: {e}"))?;
    let events: Vec<Incoming> = letters
        .iter()
        .zip(&payloads)
        .map(|((id, _), json)| Incoming {
            json,
            dead_letter: Some(*id),
        })
        .collect();
    let report = ingest::ingest(&mut tx, &events, super::limits(&state), None).await?;
    let result = ReplayReport {
        replayed: events.len(),
        accepted: report.accepted,
        duplicates: report.duplicates,
        still_rejected: report.rejected,
    };
    if !events.is_empty() {
        let entry = Entry {
            actor: (&principal).into(),
            action: "usage.dead_letters_replayed",
            resource_type: "usage_dead_letter",
            resource_id: None,
            details: json!({
                "selection": { "ids": body.ids.as_ref().map(Vec::len), "reason": body.reason },
                "replayed": result.replayed, "accepted": result.accepted,
                "duplicates": result.duplicates, "still_rejected": result.still_rejected,
            }),
        };
        audit::record(&mut *tx, entry, &meta).await?;
    }
    tx.commit().await?;
    Ok(ApiJson(result))
}

/// Discard a dead letter: the event will not be counted.
#[utoipa::path(
    delete,
    path = "/api/v1/events/dead-letters/{id}",
    tag = "usage",
    params(("id" = Uuid, Path, description = "The dead letter")),
    responses(
        (status = 204, description = "Discarded"),
        (status = 404, response = NotFound),
    )
)]
pub async fn discard(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    let letter = usage::delete_dead_letter(&mut *tx, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No dead letter {id}.")))?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "usage.dead_letter_discarded",
        resource_type: "usage_dead_letter",
        resource_id: Some(id.to_string()),
        details: json!({ "event_id": letter.event_id, "reason": letter.reason, "detail": letter.detail }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
