//! Query parameters. The audit filter travels under `AuditFilter`'s own field names, both to
//! the API (encoded by the browser, see `Call::query`) and in the SPA's shareable URLs
//! (encoded here), so a filtered page and its request read alike.

use omni_types::audit::AuditFilter;
use serde_json::Value;

/// The filter's set fields as query parameters, in name order. The names and the time
/// format (RFC 3339 UTC) come from the type's serde form, which is what the server reads;
/// blank text is left out.
pub fn filter_params(filter: &AuditFilter) -> Vec<(String, String)> {
    let Ok(Value::Object(fields)) = serde_json::to_value(filter) else {
        // A struct of strings and times always serializes to an object.
        return Vec::new();
    };
    fields
        .into_iter()
        .filter_map(|(name, value)| match value {
            Value::String(text) if !text.trim().is_empty() => Some((name, text)),
            _ => None,
        })
        .collect()
}

/// A filter's fields as query parameters: trimmed, blank ones left out (the server reads
/// an absent parameter as "any").
pub fn non_blank<const N: usize>(fields: [(&str, &String); N]) -> Vec<(String, String)> {
    fields
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
        .collect()
}

/// `a=1&b=x+y`: form-encoded, as `URLSearchParams` writes it (and reads it back).
pub fn encode<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        query.append_pair(name.as_ref(), value.as_ref());
    }
    query.finish()
}

/// `path?query`, or just `path` when there are no parameters.
pub fn with_query<K: AsRef<str>, V: AsRef<str>>(path: &str, params: &[(K, V)]) -> String {
    if params.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", encode(params))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn empty_filter_has_no_parameters() {
        assert!(filter_params(&AuditFilter::default()).is_empty());
        assert_eq!(
            with_query("/api/v1/audit", &filter_params(&AuditFilter::default())),
            "/api/v1/audit"
        );
    }

    #[test]
    fn set_fields_are_encoded_and_blank_ones_skipped() {
        let filter = AuditFilter {
            actor: Some("ada+ops@example.com".into()),
            action: Some("auth.login".into()),
            resource_type: Some("  ".into()),
            resource_id: None,
            from: Some(Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap()),
            to: None,
            q: Some("café & co/2?".into()),
        };
        assert_eq!(
            encode(&filter_params(&filter)),
            "action=auth.login&actor=ada%2Bops%40example.com&from=2026-03-01T09%3A30%3A00Z\
             &q=caf%C3%A9+%26+co%2F2%3F"
        );
    }

    #[test]
    fn blank_fields_are_left_out() {
        let (q, role, sort) = (" ada ".to_owned(), String::new(), "-name".to_owned());
        assert_eq!(
            non_blank([("q", &q), ("role", &role), ("sort", &sort)]),
            [
                ("q".to_owned(), "ada".to_owned()),
                ("sort".to_owned(), "-name".to_owned())
            ]
        );
    }

    #[test]
    fn extra_parameters_follow_the_filter() {
        let filter = AuditFilter {
            action: Some("admin.created".into()),
            ..AuditFilter::default()
        };
        let mut params = filter_params(&filter);
        params.push(("cursor".into(), "abc=".into()));
        assert_eq!(
            with_query("/api/v1/audit", &params),
            "/api/v1/audit?action=admin.created&cursor=abc%3D"
        );
    }
}
