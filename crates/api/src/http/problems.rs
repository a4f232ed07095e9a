//! Turns any bodiless error response (axum's 404/405, the body limit's 413, a panic's
//! 500) into problem+json, so no error ever reaches a client as plain text.

use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::Response;
use omni_types::problem::PROBLEM_CONTENT_TYPE;

use crate::error::{ApiError, problem_response, status_problem};

pub async fn middleware(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    if is_problem {
        return response;
    }
    let detail = match status.as_u16() {
        404 => Some(format!("No route for {method} {path}.")),
        405 => Some(format!("{method} is not allowed on {path}.")),
        _ => None,
    };
    let (mut parts, _) = response.into_parts();
    let mut rebuilt = problem_response(status, &status_problem(status, detail));
    // Keep headers such as `Allow` and `Retry-After`; the body and its type are ours.
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(CONTENT_TYPE);
    for (name, value) in parts.headers.iter() {
        rebuilt.headers_mut().insert(name.clone(), value.clone());
    }
    rebuilt
}

/// Handler for `/api/*` paths no route matches: a 404 problem, never the SPA page.
pub async fn api_not_found(req: Request) -> ApiError {
    ApiError::NotFound(format!("No route for {} {}.", req.method(), req.uri().path()))
}

/// Converts a panic into a 500 problem (the panic itself is logged by the hook).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
}

use axum::response::IntoResponse;
