//! Token prices per model: what prices usage events sent without a cost (SPEC ANA-1).

use axum::extract::State;
use omni_types::usage::{ModelPrice, ModelPrices};
use serde_json::json;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::usage::{self, Price};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};

/// Models one price list holds at most.
const MAX_MODELS: usize = 500;
/// The highest price accepted, in dollars per million tokens.
const MAX_USD_PER_MTOK: f64 = 100_000.0;

/// Token prices per model.
#[utoipa::path(
    get,
    path = "/api/v1/settings/model-prices",
    tag = "settings",
    responses((status = 200, description = "Every model's prices, by name", body = ModelPrices))
)]
pub async fn get(State(state): State<AppState>) -> ApiResult<ApiJson<ModelPrices>> {
    Ok(ApiJson(ModelPrices {
        models: usage::list_model_prices(&state.db).await?,
    }))
}

/// Replace the token prices. They apply to events ingested from now on; counted costs
/// do not change.
#[utoipa::path(
    put,
    path = "/api/v1/settings/model-prices",
    tag = "settings",
    request_body = ModelPrices,
    responses(
        (status = 200, description = "The prices now in force", body = ModelPrices),
        (status = 400, response = MalformedBody),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn replace(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<ModelPrices>,
) -> ApiResult<ApiJson<ModelPrices>> {
    let prices = check(&body.models)?;
    let mut tx = state.db.begin().await?;
    let before = usage::list_model_prices(&mut *tx).await?;
    usage::replace_model_prices(&mut tx, &prices).await?;
    let after = usage::list_model_prices(&mut *tx).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "settings.model_prices_changed",
        resource_type: "settings",
        resource_id: Some("model-prices".into()),
        details: json!({ "before": before, "after": after }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(ModelPrices { models: after }))
}

/// Every problem at once, by `models[i].field`.
fn check(models: &[ModelPrice]) -> Result<Vec<(String, Price)>, ApiError> {
    let mut errors = FieldErrors::new();
    let prices = check_into(models, "models", &mut errors);
    if errors.is_empty() {
        Ok(prices)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The prices to store (names trimmed), with every problem added by `{list}[i].field`.
pub fn check_into(models: &[ModelPrice], list: &str, errors: &mut FieldErrors) -> Vec<(String, Price)> {
    if models.len() > MAX_MODELS {
        errors.insert(list.into(), vec![format!("must list at most {MAX_MODELS} models")]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut prices = Vec::with_capacity(models.len());
    for (i, m) in models.iter().enumerate() {
        let mut err = |field: &str, message: String| {
            errors.entry(format!("{list}[{i}].{field}")).or_default().push(message);
        };
        let model = m.model.trim();
        if model.is_empty() || model.chars().count() > 100 || model.chars().any(char::is_control) {
            err(
                "model",
                "must be 1 to 100 characters, without control characters".into(),
            );
        } else if !seen.insert(model.to_owned()) {
            err("model", "is listed twice".into());
        }
        let mut micros = |field: &str, usd: f64| {
            if usd.is_finite() && (0.0..=MAX_USD_PER_MTOK).contains(&usd) {
                (usd * 1_000_000.0).round() as i64
            } else {
                err(field, format!("must be between 0 and {MAX_USD_PER_MTOK}"));
                0
            }
        };
        let price = Price {
            input: micros("input_usd_per_mtok", m.input_usd_per_mtok),
            output: micros("output_usd_per_mtok", m.output_usd_per_mtok),
            cached: micros("cached_usd_per_mtok", m.cached_usd_per_mtok),
        };
        prices.push((model.to_owned(), price));
    }
    prices
}
