//! CSV exports of the analytics views (SPEC ANA-4): the same numbers as the JSON view,
//! streamed in chunks.

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use omni_types::analytics::{Measures, Scope};
use serde::Deserialize;

use super::{AnalyticsParams, BreakdownParams, breakdown_choice, question};
use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiPath;
use crate::openapi::responses::{NotFound, ValidationFailed};
use crate::usage::query;

const ROWS_PER_CHUNK: usize = 500;

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum View {
    Overview,
    Timeseries,
    Breakdown,
    Errors,
    Heatmap,
}

const MEASURE_HEADER: [&str; 11] = [
    "calls",
    "errors",
    "error_rate",
    "cost_usd",
    "input_tokens",
    "output_tokens",
    "cached_tokens",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "mean_ms",
];

fn measure_cells(m: &Measures) -> Vec<String> {
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        m.calls.to_string(),
        m.errors.to_string(),
        m.error_rate.to_string(),
        format!("{:.6}", m.cost_usd),
        m.input_tokens.to_string(),
        m.output_tokens.to_string(),
        m.cached_tokens.to_string(),
        opt(m.p50_ms),
        opt(m.p95_ms),
        opt(m.p99_ms),
        opt(m.mean_ms),
    ]
}

/// A cell a spreadsheet will not run as a formula.
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// Export one analytics view as CSV (`overview`, `timeseries`, `breakdown` (with `by`),
/// `errors`, `heatmap`), with the view's parameters.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/{view}/export",
    tag = "analytics",
    params(
        ("view" = View, Path, description = "The view to export"),
        AnalyticsParams,
        BreakdownParams,
    ),
    responses(
        (status = 200, description = "CSV with a header row, the same numbers as the JSON view", content_type = "text/csv", body = String),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    ApiPath(view): ApiPath<View>,
    Query(p): Query<AnalyticsParams>,
    Query(b): Query<BreakdownParams>,
) -> ApiResult<Response> {
    let q = question(&state, &p).await?;
    let with_measures = |first: &[&str]| -> Vec<String> {
        first
            .iter()
            .chain(MEASURE_HEADER.iter())
            .map(|s| (*s).to_owned())
            .collect()
    };
    let (name, rows): (&str, Vec<Vec<String>>) = match view {
        View::Overview => {
            let o = super::views::overview_of(&state, &q).await?;
            let mut rows = vec![with_measures(&["period", "from", "to", "active_users"])];
            let prev = q.previous();
            for (label, scope_from, scope_to, m, users) in [
                ("current", q.from, q.to, &o.current, o.active_users),
                ("previous", prev.from, prev.to, &o.previous, o.previous_active_users),
            ] {
                let mut row = vec![
                    label.to_owned(),
                    scope_from.to_rfc3339(),
                    scope_to.to_rfc3339(),
                    users.to_string(),
                ];
                row.extend(measure_cells(m));
                rows.push(row);
            }
            ("overview", rows)
        }
        View::Timeseries => {
            let s = query::series(&state.db, &q).await?;
            let mut rows = vec![with_measures(&["start"])];
            rows.extend(s.points.iter().map(|p| {
                let mut row = vec![p.start.to_rfc3339()];
                row.extend(measure_cells(&p.measures));
                row
            }));
            ("timeseries", rows)
        }
        View::Breakdown => {
            let choice = breakdown_choice(&b)?;
            let d = query::breakdown(&state.db, &q, choice.by, choice.sort, choice.limit).await?;
            let mut rows = vec![with_measures(&["key", "label", "server", "cost_share"])];
            for g in &d.groups {
                let mut row = vec![
                    text(&g.key),
                    text(g.label.as_deref().unwrap_or("")),
                    g.server.clone().unwrap_or_default(),
                    g.cost_share.to_string(),
                ];
                row.extend(measure_cells(&g.measures));
                rows.push(row);
            }
            if let Some(others) = &d.others {
                let mut row = vec!["(others)".to_owned(), String::new(), String::new(), String::new()];
                row.extend(measure_cells(others));
                rows.push(row);
            }
            ("breakdown", rows)
        }
        View::Errors => {
            let e = query::errors(&state.db, &q).await?;
            let mut rows = vec![vec!["start".to_owned(), "error_type".to_owned(), "errors".to_owned()]];
            rows.extend(
                e.points
                    .iter()
                    .map(|p| vec![p.start.to_rfc3339(), text(&p.error_type), p.errors.to_string()]),
            );
            ("errors", rows)
        }
        View::Heatmap => {
            let h = query::heatmap(&state.db, &q).await?;
            let mut rows = vec![vec!["weekday".to_owned(), "hour".to_owned(), "calls".to_owned()]];
            rows.extend(
                h.cells
                    .iter()
                    .map(|c| vec![c.weekday.to_string(), c.hour.to_string(), c.calls.to_string()]),
            );
            ("heatmap", rows)
        }
    };
    Ok(csv_response(name, &q.scope(), rows))
}

fn csv_response(name: &str, scope: &Scope, rows: Vec<Vec<String>>) -> Response {
    let chunks: Vec<Result<Bytes, ApiError>> = rows
        .chunks(ROWS_PER_CHUNK)
        .map(|chunk| {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            for row in chunk {
                w.write_record(row).map_err(|e| ApiError::Internal(e.into()))?;
            }
            w.into_inner()
                .map(Bytes::from)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
        })
        .collect();
    let stream = futures::stream::iter(
        chunks
            .into_iter()
            .map(|c| c.map_err(|_| std::io::Error::other("export failed"))),
    );
    let filename = format!(
        "{name}-{}-{}.csv",
        scope.from.format("%Y%m%dT%H%MZ"),
        scope.to.format("%Y%m%dT%H%MZ")
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}
