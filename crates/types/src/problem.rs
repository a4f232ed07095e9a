//! RFC 9457 problem details: the one error body of the API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Media type of every error response.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the problem type (`about:blank` when it is just the status).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The `x-request-id` of the request, to find it in the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Validation errors: field path → messages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
    /// For 403: the permission the caller lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_permission: Option<String>,
    /// For `/problems/mfa-required`: pass it with a code to `POST /api/v1/auth/login/mfa`
    /// (valid 5 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_challenge: Option<String>,
    /// For 429: seconds until a new attempt may succeed (also sent as `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

impl Problem {
    /// The messages recorded for one field, if any.
    pub fn field_errors(&self, field: &str) -> &[String] {
        self.errors.get(field).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Problem type URIs. Stable: integrators may match on them.
pub mod kinds {
    pub const VALIDATION: &str = "/problems/validation";
    pub const MALFORMED_BODY: &str = "/problems/malformed-body";
    pub const UNAUTHENTICATED: &str = "/problems/unauthenticated";
    pub const INVALID_CREDENTIALS: &str = "/problems/invalid-credentials";
    pub const MFA_REQUIRED: &str = "/problems/mfa-required";
    pub const FORBIDDEN: &str = "/problems/forbidden";
    pub const PASSWORD_CHANGE_REQUIRED: &str = "/problems/password-change-required";
    pub const MFA_ENROLMENT_REQUIRED: &str = "/problems/mfa-enrolment-required";
    pub const NOT_FOUND: &str = "/problems/not-found";
    pub const METHOD_NOT_ALLOWED: &str = "/problems/method-not-allowed";
    pub const CONFLICT: &str = "/problems/conflict";
    pub const PAYLOAD_TOO_LARGE: &str = "/problems/payload-too-large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "/problems/unsupported-media-type";
    pub const RATE_LIMITED: &str = "/problems/rate-limited";
    pub const INTERNAL: &str = "/problems/internal";
    pub const UNAVAILABLE: &str = "/problems/unavailable";
}
