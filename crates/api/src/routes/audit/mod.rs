//! `/api/v1/audit`: the admin audit log viewer, export and chain check (SPEC AUDIT-3, AUDIT-4).

pub mod export;
pub mod get;
pub mod list;
pub mod verify;

use chrono::{DateTime, Utc};
use omni_types::audit::AuditFilter;

use crate::error::{ApiError, FieldErrors};

/// Parses the filter from the raw query string, so each bad parameter gets its own field
/// error (serde's query errors do not say which field failed).
pub fn parse_filter(raw: Option<&str>) -> Result<AuditFilter, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| ApiError::invalid("query", format!("is not a valid query string: {e}")))?;
    let mut filter = AuditFilter::default();
    let mut errors = FieldErrors::new();
    let mut error = |field: &str, message: &str| errors.entry(field.to_owned()).or_default().push(message.to_owned());
    for (key, value) in pairs {
        let value = value.trim().to_owned();
        if value.is_empty() {
            continue;
        }
        let text = |max: usize, error: &mut dyn FnMut(&str, &str)| {
            if let Err(message) = crate::validate::optional_text(Some(&value), max) {
                error(&key, &message);
            }
            Some(value.clone())
        };
        let time = |error: &mut dyn FnMut(&str, &str)| match DateTime::parse_from_rfc3339(&value) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                error(&key, "must be an RFC 3339 time, e.g. 2026-11-23T10:00:00Z");
                None
            }
        };
        match key.as_str() {
            "actor" => filter.actor = text(254, &mut error),
            "action" => filter.action = text(100, &mut error),
            "resource_type" => filter.resource_type = text(100, &mut error),
            "resource_id" => filter.resource_id = text(200, &mut error),
            "q" => filter.q = text(200, &mut error),
            "from" => filter.from = time(&mut error),
            "to" => filter.to = time(&mut error),
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        error("to", "must not be before `from`");
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(ApiError::Validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_bad_fields() {
        let f = parse_filter(Some("actor=a%40b.c&action=auth.&from=2026-01-01T00:00:00Z&q=&limit=5")).unwrap();
        assert_eq!(f.actor.as_deref(), Some("a@b.c"));
        assert_eq!(f.action.as_deref(), Some("auth."));
        assert!(f.from.is_some() && f.q.is_none());
        let Err(ApiError::Validation(errors)) =
            parse_filter(Some("from=yesterday&to=2026-01-01T00:00:00Z&q=".to_owned().as_str()))
        else {
            panic!("expected a validation error")
        };
        assert!(errors.contains_key("from"));
        let Err(ApiError::Validation(errors)) = parse_filter(Some("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"))
        else {
            panic!("expected a validation error")
        };
        assert!(errors.contains_key("to"));
    }
}
