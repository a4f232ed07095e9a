use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use omni_types::audit::{AuditEntry, AuditFilter};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry, actions};
use crate::db::audit_log;
use crate::error::ApiResult;
use crate::http::client::ClientMeta;
use crate::openapi::responses::ValidationFailed;

const HEADER: [&str; 14] = [
    "seq",
    "id",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_label",
    "action",
    "resource_type",
    "resource_id",
    "ip",
    "user_agent",
    "request_id",
    "details",
    "hash",
];
/// Rows per chunk sent to the client; with a bounded channel this caps memory.
const ROWS_PER_CHUNK: usize = 500;

/// Export every entry matching the filter as CSV, oldest first, streamed (no row cap).
///
/// The export itself is audited. Cells that a spreadsheet would run as a formula are
/// prefixed with `'`.
#[utoipa::path(
    get,
    path = "/api/v1/audit/export",
    tag = "audit",
    params(AuditFilter),
    responses(
        (status = 200, description = "CSV, one row per entry", content_type = "text/csv", body = String),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let filter = super::parse_filter(raw.as_deref())?;
    let entry = Entry {
        actor: (&principal).into(),
        action: actions::AUDIT_EXPORTED,
        resource_type: "audit_log",
        resource_id: None,
        details: json!({ "filter": filter }),
    };
    audit::record(&state.db, entry, &meta).await?;

    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let pool = state.db.clone();
    tokio::spawn(async move {
        let mut query = audit_log::export_query(&filter);
        let mut rows = query.build_query_as::<audit_log::Row>().fetch(&pool);
        let mut writer = csv_writer();
        let _ = writer.write_record(HEADER);
        let mut count = 0usize;
        loop {
            match rows.try_next().await {
                Ok(Some(row)) => {
                    write_row(&mut writer, row.into());
                    count += 1;
                    if count.is_multiple_of(ROWS_PER_CHUNK) {
                        let full = std::mem::replace(&mut writer, csv_writer());
                        if tx.send(Ok(Bytes::from(into_bytes(full)))).await.is_err() {
                            return; // the client went away
                        }
                    }
                }
                Ok(None) => {
                    let _ = tx.send(Ok(Bytes::from(into_bytes(writer)))).await;
                    return;
                }
                Err(e) => {
                    // The status line is sent already: cut the body short so the client sees a failure.
                    tracing::error!(error = ?e, rows = count, "audit export failed mid-stream");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
    });

    let filename = format!("audit-{}.csv", chrono::Utc::now().format("%Y%m%dT%H%M%SZ"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(ReceiverStream::new(rx)),
    )
        .into_response())
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::with_capacity(64 * 1024))
}

/// The bytes written so far (writing into a Vec cannot fail).
fn into_bytes(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer.into_inner().unwrap_or_default()
}

fn write_row(writer: &mut csv::Writer<Vec<u8>>, e: AuditEntry) {
    let kind = serde_json::to_value(e.actor.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let record = [
        e.seq.to_string(),
        e.id.to_string(),
        e.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        kind,
        e.actor.id.map(|id| id.to_string()).unwrap_or_default(),
        e.actor.label,
        e.action,
        e.resource_type,
        e.resource_id.unwrap_or_default(),
        e.ip.unwrap_or_default(),
        e.user_agent.unwrap_or_default(),
        e.request_id.unwrap_or_default(),
        e.details.to_string(),
        e.hash,
    ];
    // Writing into a Vec cannot fail.
    let _ = writer.write_record(record.iter().map(|cell| defuse_formula(cell).into_owned()));
}

/// Spreadsheets run cells starting with these as formulas (CSV injection).
fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::defuse_formula("owner@example.com"), "owner@example.com");
    }
}
