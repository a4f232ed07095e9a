use std::collections::BTreeMap;
use std::fmt;

use omni_types::Problem;

/// Everything that can go wrong with an API call, as the pages see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API answered with an error status; its RFC 9457 body (boxed: it is large, and
    /// every `Result` of the client carries this type).
    Problem(Box<Problem>),
    /// No answer at all: offline, server down, request aborted.
    Network(String),
    /// A body that is not what the contract promises (or a request we could not encode).
    Decode(String),
    /// The file arrived but the browser would not save it.
    Download(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(p) => Some(p.status),
            _ => None,
        }
    }

    /// 401: there is no valid session behind the request.
    pub fn is_unauthenticated(&self) -> bool {
        self.status() == Some(401)
    }

    /// The server's validation messages for one request field.
    pub fn field_errors(&self, field: &str) -> &[String] {
        match self {
            ApiError::Problem(p) => p.field_errors(field),
            _ => &[],
        }
    }

    /// Whether the server reported errors for fields other than `known`: those have no
    /// place next to an input, so the page must show them elsewhere.
    pub fn has_errors_beyond(&self, known: &[&str]) -> bool {
        match self {
            ApiError::Problem(p) => p.errors.keys().any(|k| !known.contains(&k.as_str())),
            _ => false,
        }
    }

    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            ApiError::Problem(p) => p.retry_after_seconds,
            _ => None,
        }
    }

    /// The id to quote when reporting the failure; it finds the request in the server logs.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) => p.request_id.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Problem(p) => f.write_str(p.detail.as_deref().unwrap_or(&p.title)),
            ApiError::Network(e) => write!(
                f,
                "Could not reach the server ({e}). Check the connection and try again."
            ),
            ApiError::Decode(e) => write!(f, "The server sent a response this app does not understand ({e})."),
            ApiError::Download(e) => write!(f, "The browser could not save the file ({e})."),
        }
    }
}

impl std::error::Error for ApiError {}

/// The problem to report for an error response whose body is not problem+json (a proxy's
/// HTML page, say): RFC 9457's `about:blank`, which means "just the status".
pub(super) fn status_only(status: u16, status_text: String) -> Problem {
    let title = if status_text.is_empty() {
        format!("HTTP error {status}")
    } else {
        status_text
    };
    Problem {
        kind: "about:blank".into(),
        title,
        status,
        detail: None,
        request_id: None,
        errors: BTreeMap::new(),
        missing_permission: None,
        mfa_challenge: None,
        retry_after_seconds: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_come_from_the_problem_only() {
        let mut problem = status_only(422, "Unprocessable Entity".into());
        problem.errors.insert("email".into(), vec!["is required".into()]);
        let error = ApiError::Problem(Box::new(problem));
        assert_eq!(error.field_errors("email"), ["is required"]);
        assert!(error.field_errors("password").is_empty());
        assert!(!error.has_errors_beyond(&["email", "password"]));
        assert!(ApiError::Network("offline".into()).field_errors("email").is_empty());
    }

    #[test]
    fn message_prefers_the_detail() {
        let mut problem = status_only(401, "Unauthorized".into());
        assert_eq!(ApiError::Problem(Box::new(problem.clone())).to_string(), "Unauthorized");
        problem.detail = Some("Wrong email or password".into());
        assert_eq!(
            ApiError::Problem(Box::new(problem)).to_string(),
            "Wrong email or password"
        );
    }
}
