//! The audit page keeps its state in the address, so a filtered view or an open entry is a
//! link to share and survives a reload: the filter under the API's own parameter names
//! (see `api::filter_params`), plus `entry` for the open entry.

use chrono::{DateTime, Utc};
use omni_types::audit::AuditFilter;
use uuid::Uuid;

use crate::api::{filter_params, with_query};
use crate::routes;

/// The parameter naming the entry open in the drawer.
pub const ENTRY: &str = "entry";

pub const FROM: &str = "from";
pub const TO: &str = "to";

/// The filter an address asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub filter: AuditFilter,
    /// Time parameters that are not RFC 3339 times (an edited or truncated link). The page
    /// asks for a fix rather than quietly showing entries without that bound.
    pub invalid: Vec<&'static str>,
}

impl Applied {
    /// Reads the filter from the query, given a way to look up one parameter.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let text = |name: &str| get(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let mut invalid = Vec::new();
        let mut time = |name: &'static str| {
            let value = get(name).map(str::trim).filter(|v| !v.is_empty())?;
            match DateTime::parse_from_rfc3339(value) {
                Ok(t) => Some(t.with_timezone(&Utc)),
                Err(_) => {
                    invalid.push(name);
                    None
                }
            }
        };
        let filter = AuditFilter {
            actor: text("actor"),
            action: text("action"),
            resource_type: text("resource_type"),
            resource_id: text("resource_id"),
            from: time(FROM),
            to: time(TO),
            q: text("q"),
        };
        Applied { filter, invalid }
    }

    pub fn is_valid(&self) -> bool {
        self.invalid.is_empty()
    }
}

/// What `?entry=` asks for: an id, or text that cannot be one.
pub fn entry(value: Option<&str>) -> Option<Result<Uuid, String>> {
    let value = value?.trim();
    (!value.is_empty()).then(|| Uuid::parse_str(value).map_err(|_| value.to_owned()))
}

/// The audit page showing `filter` (no entry open).
pub fn href(filter: &AuditFilter) -> String {
    with_query(&routes::AUDIT.href(), &filter_params(filter))
}

/// The current address (`search`, without its `?`) with the open entry set or removed and
/// every other parameter kept as it was.
pub fn with_entry(search: &str, entry: Option<Uuid>) -> String {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .filter(|(name, _)| name != ENTRY)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    params.extend(entry.map(|id| (ENTRY.to_owned(), id.to_string())));
    with_query(&routes::AUDIT.href(), &params)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::TimeZone;

    use super::*;

    fn parse(query: &str) -> Applied {
        let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Applied::parse(|name| params.get(name).map(String::as_str))
    }

    #[test]
    fn filter_round_trips_through_the_address() {
        let filter = AuditFilter {
            actor: Some("ada@example.com".into()),
            action: Some("auth.login.failed".into()),
            resource_type: Some("session".into()),
            resource_id: Some("a b/c".into()),
            from: Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()),
            to: Some(Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()),
            q: Some("50% off".into()),
        };
        let link = href(&filter);
        let query = link.strip_prefix("/audit?").expect("a query");
        assert_eq!(
            parse(query),
            Applied {
                filter,
                invalid: vec![]
            }
        );
    }

    #[test]
    fn no_filter_is_the_bare_page() {
        assert_eq!(href(&AuditFilter::default()), "/audit");
        assert_eq!(parse(""), Applied::default());
        assert_eq!(parse("actor=++&q="), Applied::default());
    }

    #[test]
    fn other_offsets_are_read_as_utc() {
        let applied = parse("from=2026-01-02T10:00:00%2B02:00");
        assert_eq!(
            applied.filter.from,
            Some(Utc.with_ymd_and_hms(2026, 1, 2, 8, 0, 0).unwrap())
        );
    }

    #[test]
    fn bad_times_are_named() {
        let applied = parse("from=yesterday&to=2026-01-02T10:00:00Z&action=auth");
        assert_eq!(applied.invalid, ["from"]);
        assert!(!applied.is_valid());
        assert_eq!(applied.filter.from, None);
        assert!(applied.filter.to.is_some());
        assert_eq!(applied.filter.action.as_deref(), Some("auth"));
    }

    #[test]
    fn entry_ids() {
        let id = Uuid::now_v7();
        assert_eq!(entry(Some(&id.to_string())), Some(Ok(id)));
        assert_eq!(entry(Some("nope")), Some(Err("nope".into())));
        assert_eq!(entry(Some("")), None);
        assert_eq!(entry(None), None);
    }

    #[test]
    fn opening_an_entry_keeps_the_filter() {
        let id = Uuid::now_v7();
        assert_eq!(
            with_entry("action=auth.login&q=a+b", Some(id)),
            format!("/audit?action=auth.login&q=a+b&entry={id}")
        );
        let other = Uuid::now_v7();
        assert_eq!(
            with_entry(&format!("entry={other}&actor=x%40y"), Some(id)),
            format!("/audit?actor=x%40y&entry={id}")
        );
        assert_eq!(with_entry(&format!("?q=z&entry={id}"), None), "/audit?q=z");
        assert_eq!(with_entry(&format!("entry={id}"), None), "/audit");
    }
}
