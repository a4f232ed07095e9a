use axum::extract::State;
use omni_types::config::{DocumentRequest, Validation};

use crate::app::AppState;
use crate::config_doc::apply::{self, Refusal, Secrets};
use crate::error::ApiResult;
use crate::http::json::ApiJson;
use crate::openapi::responses::MalformedBody;

/// Check a configuration document and report every problem at once, each with its line,
/// column and field path: YAML syntax, unknown keys, wrong types, values the console
/// would refuse, references to organizations, servers or tools the document doesn't
/// hold, duplicate keys, and `${NAME}` references that can't be resolved. Changes
/// nothing. Warnings (e.g. a tool status for a tool not reported yet) don't make it
/// invalid.
#[utoipa::path(
    post,
    path = "/api/v1/config/validate",
    tag = "config",
    request_body = DocumentRequest,
    responses(
        (status = 200, description = "The document's problems (none when valid)", body = Validation),
        (status = 400, response = MalformedBody),
    )
)]
pub async fn validate(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<DocumentRequest>,
) -> ApiResult<ApiJson<Validation>> {
    let mut tx = crate::db::read_snapshot(&state.db).await?;
    let secrets = Secrets {
        given: &body.secrets,
        snapshot: &[],
    };
    let outcome = apply::plan(&mut tx, &state.sealer, &body.document, &secrets).await;
    tx.commit().await?;
    let validation = match outcome {
        Ok(plan) => Validation {
            valid: true,
            problems: plan.warnings.clone(),
            counts: apply::counts(plan.document()),
        },
        Err(Refusal::Invalid(problems)) => Validation {
            valid: false,
            counts: apply::read(&body.document)
                .map(|(_, doc, _)| apply::counts(&doc))
                .unwrap_or_default(),
            problems,
        },
        Err(Refusal::Db(e)) => return Err(e.into()),
    };
    Ok(ApiJson(validation))
}
