//! `ApiError`: the one error type of the API, rendered as RFC 9457 problem+json.
//! Internal details are logged with the request id and never sent to the client.

use std::collections::BTreeMap;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use omni_types::problem::{PROBLEM_CONTENT_TYPE, kinds};
use omni_types::{Permission, Problem};

use crate::http::request_id;

/// Field path → messages, for 422 answers.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("missing permission {0}")]
    Forbidden(Permission),
    #[error("a second factor is required")]
    MfaRequired { challenge: String },
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    #[error("MFA must be set up first")]
    MfaEnrolmentRequired,
    #[error("a signed-in session is required")]
    SessionRequired,
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict on {field}: {message}")]
    Conflict { field: String, message: String },
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("rate limited for {retry_after_seconds}s")]
    RateLimited { retry_after_seconds: u64, detail: String },
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 with one field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.entry(field.into()).or_default().push(message.into());
        ApiError::Validation(errors)
    }

    /// For a 429: how long the caller should wait.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited {
                retry_after_seconds, ..
            } => Some(*retry_after_seconds),
            _ => None,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) | ApiError::InvalidCredentials | ApiError::MfaRequired { .. } => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden(_)
            | ApiError::SessionRequired
            | ApiError::PasswordChangeRequired
            | ApiError::MfaEnrolmentRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn to_problem(&self) -> Problem {
        let status = self.status();
        let (kind, title, detail) = match self {
            ApiError::Validation(_) => (
                kinds::VALIDATION,
                "Validation failed",
                Some("One or more fields are invalid.".to_owned()),
            ),
            ApiError::Malformed(why) => (kinds::MALFORMED_BODY, "Malformed request", Some(why.clone())),
            ApiError::Unauthenticated(why) => (
                kinds::UNAUTHENTICATED,
                "Authentication required",
                Some((*why).to_owned()),
            ),
            ApiError::InvalidCredentials => (
                kinds::INVALID_CREDENTIALS,
                "Invalid credentials",
                Some("The email or password is incorrect.".to_owned()),
            ),
            ApiError::Forbidden(p) => (
                kinds::FORBIDDEN,
                "Forbidden",
                Some(format!("This action needs the `{p}` permission.")),
            ),
            ApiError::MfaRequired { .. } => (
                kinds::MFA_REQUIRED,
                "Second factor required",
                Some("Enter the code from your authenticator app, or a backup code.".to_owned()),
            ),
            ApiError::PasswordChangeRequired => (
                kinds::PASSWORD_CHANGE_REQUIRED,
                "Password change required",
                Some("An owner reset your password: choose a new one (PUT /api/v1/auth/password) first.".to_owned()),
            ),
            ApiError::MfaEnrolmentRequired => (
                kinds::MFA_ENROLMENT_REQUIRED,
                "MFA setup required",
                Some(
                    "A role of this account requires two-factor authentication: set up an authenticator \
                     (POST /api/v1/auth/mfa/enrolment, then /confirm) first. For an API token, its creator must."
                        .to_owned(),
                ),
            ),
            ApiError::SessionRequired => (
                kinds::FORBIDDEN,
                "Forbidden",
                Some("API tokens cannot do this: sign in as an admin.".to_owned()),
            ),
            ApiError::NotFound(what) => (kinds::NOT_FOUND, "Not found", Some(what.clone())),
            ApiError::Conflict { message, .. } => (kinds::CONFLICT, "Conflict", Some(message.clone())),
            ApiError::PayloadTooLarge(why) => (kinds::PAYLOAD_TOO_LARGE, "Payload too large", Some(why.clone())),
            ApiError::RateLimited { detail, .. } => (kinds::RATE_LIMITED, "Too many requests", Some(detail.clone())),
            ApiError::Unavailable(why) => (kinds::UNAVAILABLE, "Service unavailable", Some(why.clone())),
            ApiError::Internal(_) => (
                kinds::INTERNAL,
                "Internal server error",
                Some("Something went wrong on our side; the request id identifies it in the logs.".to_owned()),
            ),
        };
        let errors = match self {
            ApiError::Validation(errors) => errors.clone(),
            ApiError::Conflict { field, message } => FieldErrors::from([(field.clone(), vec![message.clone()])]),
            _ => FieldErrors::new(),
        };
        Problem {
            kind: kind.to_owned(),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            request_id: request_id::current(),
            errors,
            missing_permission: match self {
                ApiError::Forbidden(p) => Some(p.as_str().to_owned()),
                _ => None,
            },
            mfa_challenge: match self {
                ApiError::MfaRequired { challenge } => Some(challenge.clone()),
                _ => None,
            },
            retry_after_seconds: match self {
                ApiError::RateLimited {
                    retry_after_seconds, ..
                } => Some(*retry_after_seconds),
                _ => None,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let mut response = problem_response(self.status(), &self.to_problem());
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthenticated(_) | ApiError::InvalidCredentials => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::RateLimited {
                retry_after_seconds, ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
            }
            _ => {}
        }
        response
    }
}

/// Serialises a problem with the right media type.
pub fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).expect("a Problem always serialises");
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE))],
        body,
    )
        .into_response()
}

/// A problem for a bare status (404 route, 405 method, 413 body ...), built by the
/// fallback middleware when a response has no body of its own.
pub fn status_problem(status: StatusCode, detail: Option<String>) -> Problem {
    let kind = match status {
        StatusCode::NOT_FOUND => kinds::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED => kinds::METHOD_NOT_ALLOWED,
        StatusCode::PAYLOAD_TOO_LARGE => kinds::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => kinds::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::TOO_MANY_REQUESTS => kinds::RATE_LIMITED,
        StatusCode::SERVICE_UNAVAILABLE => kinds::UNAVAILABLE,
        s if s.is_server_error() => kinds::INTERNAL,
        _ => "about:blank",
    };
    Problem {
        kind: kind.to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        request_id: request_id::current(),
        errors: FieldErrors::new(),
        missing_permission: None,
        mfa_challenge: None,
        retry_after_seconds: None,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            // The body parsed as JSON but does not fit the schema: a field-level error.
            JsonRejection::JsonDataError(e) => {
                let (field, message) = data_error_field(&e.body_text());
                ApiError::Validation(FieldErrors::from([(field, vec![message])]))
            }
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::Malformed("expected a body with `Content-Type: application/json`".into())
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(other.body_text()),
            other => ApiError::Malformed(other.body_text()),
        }
    }
}

/// Splits axum's "Failed to deserialize ...: email: invalid type ..." into the field path
/// and the message, so a type error lands on the field it concerns.
fn data_error_field(text: &str) -> (String, String) {
    let detail = text.split_once("target type: ").map_or(text, |(_, rest)| rest);
    if let Some(field) = detail.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return (field.to_owned(), "is required".to_owned());
    }
    match detail.split_once(": ") {
        Some((path, message)) if !path.is_empty() && !path.contains(' ') => (path.to_owned(), message.to_owned()),
        _ => ("body".to_owned(), detail.to_owned()),
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Validation(FieldErrors::from([("query".to_owned(), vec![rejection.body_text()])]))
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::NotFound(rejection.body_text())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::error!(error = ?e, "database unavailable");
                ApiError::Unavailable("The database is unavailable; try again shortly.".into())
            }
            _ => ApiError::Internal(anyhow::Error::new(e)),
        }
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::data_error_field;

    #[test]
    fn data_errors_name_their_field() {
        let t = "Failed to deserialize the JSON body into the target type: email: invalid type: integer `1`, expected a string at line 1 column 10";
        assert_eq!(data_error_field(t).0, "email");
        let t =
            "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 20";
        assert_eq!(data_error_field(t), ("password".into(), "is required".into()));
        let t = "Failed to deserialize the JSON body into the target type: invalid type: null, expected struct X";
        assert_eq!(data_error_field(t).0, "body");
    }
}
