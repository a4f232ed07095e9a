//! Liveness and readiness (SPEC SYS-6). Outside `/api/v1`: probes need no auth.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::ApiError;

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// `GET /readyz`: the database answers; 503 problem otherwise.
pub async fn readyz(State(state): State<AppState>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        sqlx::query("SELECT 1").execute(&state.db),
    )
    .await;
    match ping {
        Ok(Ok(_)) => Ok((StatusCode::OK, Json(json!({ "status": "ready", "database": "ok" })))),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            Err(ApiError::Unavailable("The database is unreachable.".into()))
        }
        Err(_) => Err(ApiError::Unavailable("The database did not answer within 3 s.".into())),
    }
}
