//! Configuration as code (SPEC CFG-1..8): export, validate, diff, apply, snapshots and
//! rollback of the hub's configuration as one YAML document.

pub mod apply;
pub mod diff;
pub mod export;
pub mod snapshots;
pub mod status;
pub mod validate;

use omni_types::config::DocumentProblem;

use crate::config_doc::apply::Refusal;
use crate::error::{ApiError, FieldErrors};

/// Documents are bigger than other bodies: 10,000 users are about 2.5 MB.
pub const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// An invalid document as a 422: every problem under its path, with its position.
fn invalid(problems: &[DocumentProblem]) -> ApiError {
    let mut errors = FieldErrors::new();
    for p in problems
        .iter()
        .filter(|p| p.severity == omni_types::config::Severity::Error)
    {
        let path = if p.path.is_empty() {
            "document".to_owned()
        } else {
            p.path.clone()
        };
        errors
            .entry(path)
            .or_default()
            .push(format!("line {}, column {}: {}", p.line, p.column, p.message));
    }
    ApiError::Validation(errors)
}

fn refused(r: Refusal) -> ApiError {
    match r {
        Refusal::Invalid(problems) => invalid(&problems),
        Refusal::Db(e) => e.into(),
    }
}

/// The apply's transaction lost a deadlock or serialization race with another writer
/// (a health check, a console edit): nothing was applied, and trying again will do.
fn busy(e: sqlx::Error) -> ApiError {
    match &e {
        sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40P01" | "40001")) => ApiError::Unavailable(
            "The configuration was being written by someone else; nothing was applied: apply again.".into(),
        ),
        _ => e.into(),
    }
}

fn stale(current: &str) -> ApiError {
    ApiError::Conflict {
        field: "base_state".into(),
        message: format!(
            "The configuration changed since this diff was computed (it is now {current}): review the new diff and apply again."
        ),
    }
}
