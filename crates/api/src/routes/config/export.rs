use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::AppState;
use crate::auth::Principal;
use crate::config_doc::{self, export, yaml};
use crate::db::audit::{self, Entry, actions};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;

/// The media type of configuration documents.
pub const YAML: &str = "application/yaml";

/// Export the hub's configuration as one YAML document (SPEC CFG-1): settings,
/// organizations, MCP servers with their tools' approval, hub users with their grants.
/// Keyed by slug, name and email and sorted by them, so an unchanged database exports the
/// same text every time. Secrets are references (`${OMNI_SECRET_<SERVER>_AUTH_HEADER}`),
/// never values. The `ETag` is the state's id (the SHA-256 of this text). The export is
/// audited.
#[utoipa::path(
    get,
    path = "/api/v1/config/export",
    tag = "config",
    responses(
        (status = 200, description = "The configuration document", content_type = "application/yaml", body = String,
         headers(("ETag" = String, description = "The state's id, quoted"))),
    )
)]
pub async fn export(State(state): State<AppState>, principal: Principal, meta: ClientMeta) -> ApiResult<Response> {
    let document = export::load(&state.db).await?;
    let text = yaml::to_string(&document).map_err(|e| ApiError::Internal(e.into()))?;
    let id = config_doc::state_id(&text);
    let entry = Entry {
        actor: (&principal).into(),
        action: actions::CONFIG_EXPORTED,
        resource_type: "config",
        resource_id: None,
        details: json!({
            "state": id,
            "organizations": document.organizations.len(),
            "mcp_servers": document.mcp_servers.len(),
            "users": document.users.len(),
        }),
    };
    audit::record(&state.db, entry, &meta).await?;
    Ok((
        [
            (header::CONTENT_TYPE, YAML.to_owned()),
            (header::ETAG, format!("\"{id}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        text,
    )
        .into_response())
}
