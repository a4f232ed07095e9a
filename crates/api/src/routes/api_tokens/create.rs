use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use omni_types::Permission;
use omni_types::tokens::{CreateApiToken, CreatedApiToken};
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Principal, api_token};
use crate::db::api_tokens::{self, NewToken};
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};
use crate::validate;

/// Create an API token scoped to some of your permissions. The secret is in this
/// response only.
#[utoipa::path(
    post,
    path = "/api/v1/api-tokens",
    tag = "api-tokens",
    request_body = CreateApiToken,
    responses(
        (status = 201, description = "Created; `secret` is shown this once", body = CreatedApiToken),
        (status = 400, response = MalformedBody),
        (status = 403, description = "Not from an API token; or the account must change its password or set up MFA first",
         body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<CreateApiToken>,
) -> ApiResult<(StatusCode, ApiJson<CreatedApiToken>)> {
    // A token would otherwise carry the account past its own pending step.
    if let Some(pending) = principal.pending() {
        return Err(pending.error());
    }
    let mut errors = FieldErrors::new();
    let name = validate::display_name(&body.name)
        .map_err(|m| errors.entry("name".into()).or_default().push(m.into()))
        .unwrap_or_default();
    let mut permissions: Vec<String> = Vec::new();
    for raw in &body.permissions {
        match raw.trim().parse::<Permission>() {
            Ok(p) if principal.can(p) => permissions.push(p.as_str().to_owned()),
            Ok(p) => errors
                .entry("permissions".into())
                .or_default()
                .push(format!("you do not hold `{p}`")),
            Err(e) => errors.entry("permissions".into()).or_default().push(e.to_string()),
        }
    }
    permissions.sort();
    permissions.dedup();
    if body.permissions.is_empty() {
        errors
            .entry("permissions".into())
            .or_default()
            .push("must name at least one permission".into());
    }
    if body.expires_at.is_some_and(|t| t <= Utc::now()) {
        errors
            .entry("expires_at".into())
            .or_default()
            .push("must be in the future".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let minted = api_token::mint();
    let id = Uuid::now_v7();
    let mut tx = state.db.begin().await?;
    let new = NewToken {
        id,
        name: &name,
        prefix: &minted.prefix,
        secret_hash: &minted.hash,
        created_by: principal.admin_id,
        expires_at: body.expires_at,
        permissions: &permissions,
    };
    api_tokens::insert(&mut tx, new).await?;
    let (_, token) = api_tokens::get(&mut *tx, id).await?.context("token just created")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "api_token.created",
        resource_type: "api_token",
        resource_id: Some(id.to_string()),
        details: json!({ "after": { "name": token.name, "prefix": token.prefix, "permissions": token.permissions,
                                    "expires_at": token.expires_at } }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedApiToken {
            token,
            secret: minted.secret,
        }),
    ))
}
