use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use omni_types::admins::{CreateAdmin, CreatedAdmin};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::app::{AppState, generate_password};
use crate::auth::{Principal, password};
use crate::db::admins::{self, CreateError};
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};
use crate::validate;

/// Add an admin with roles. Without a password, one is generated and returned once.
#[utoipa::path(
    post,
    path = "/api/v1/admins",
    tag = "admins",
    request_body = CreateAdmin,
    responses(
        (status = 201, description = "Created", body = CreatedAdmin),
        (status = 400, response = MalformedBody),
        (status = 409, description = "An admin with this email exists", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<CreateAdmin>,
) -> ApiResult<(StatusCode, ApiJson<CreatedAdmin>)> {
    let mut errors = FieldErrors::new();
    let email = validate::email(&body.email)
        .map_err(|m| errors.entry("email".into()).or_default().push(m.into()))
        .ok();
    let display_name = match body.display_name.trim() {
        "" => email
            .as_deref()
            .and_then(|e| e.split('@').next())
            .unwrap_or_default()
            .to_owned(),
        raw => validate::display_name(raw)
            .map_err(|m| errors.entry("display_name".into()).or_default().push(m.into()))
            .unwrap_or_default(),
    };
    let roles = super::check_roles(&body.roles, &mut errors);
    let (password, generated) = match body.password {
        Some(p) => {
            if let Err(e) = password::check_policy_for("password", &p, email.as_deref()) {
                errors.extend(e);
            }
            (SecretString::from(p), false)
        }
        None => (generate_password(), true),
    };
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };

    let hash = password::hash(password.clone()).await?;
    let mut tx = state.db.begin().await?;
    let id = admins::create(&mut tx, &email, &display_name, &hash, &roles)
        .await
        .map_err(|e| match e {
            CreateError::EmailTaken => ApiError::Conflict {
                field: "email".into(),
                message: "an admin with this email already exists".into(),
            },
            CreateError::UnknownRole(name) => ApiError::invalid("roles", format!("no role named `{name}`")),
            CreateError::Db(e) => e.into(),
        })?;
    let admin = admins::get(&mut *tx, id).await?.context("admin just created")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "admin.created",
        resource_type: "admin",
        resource_id: Some(id.to_string()),
        details: json!({ "after": { "email": admin.email, "display_name": admin.display_name, "roles": admin.roles } }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    let generated_password = generated.then(|| password.expose_secret().to_owned());
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedAdmin {
            admin,
            generated_password,
        }),
    ))
}
