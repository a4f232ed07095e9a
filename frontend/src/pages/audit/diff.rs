//! The before/after comparison of a change. Audit details carry `before` and/or `after`
//! objects (SPEC AUDIT-1); nested objects are compared field by field under dotted names
//! (`limits.rpm`), so a change deep in a config shows as that one field.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiffRow {
    /// Dotted path of the field; empty when `before`/`after` are plain values, not objects.
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub change: Change,
}

/// Every field of `before` and `after`, in name order. `None` when the details hold
/// neither: there is nothing to compare. A `null` side counts as absent (a creation has no
/// before, a deletion no after).
pub fn diff(details: &Value) -> Option<Vec<DiffRow>> {
    let before = details.get("before");
    let after = details.get("after");
    if before.is_none() && after.is_none() {
        return None;
    }
    let mut fields: BTreeMap<String, (Option<&Value>, Option<&Value>)> = BTreeMap::new();
    for (key, value) in flatten(before) {
        fields.entry(key).or_default().0 = Some(value);
    }
    for (key, value) in flatten(after) {
        fields.entry(key).or_default().1 = Some(value);
    }
    let rows = fields
        .into_iter()
        .map(|(key, (before, after))| {
            let change = match (before, after) {
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
                (Some(b), Some(a)) if b == a => Change::Unchanged,
                _ => Change::Changed,
            };
            DiffRow {
                key,
                before: before.cloned(),
                after: after.cloned(),
                change,
            }
        })
        .collect();
    Some(rows)
}

/// What the details say besides `before` and `after` (a reason, an email…), if anything.
pub fn other_details(details: &Value) -> Option<Value> {
    match details {
        Value::Null => None,
        Value::Object(fields) => {
            let rest: Map<String, Value> = fields
                .iter()
                .filter(|(key, _)| *key != "before" && *key != "after")
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            (!rest.is_empty()).then_some(Value::Object(rest))
        }
        other => Some(other.clone()),
    }
}

/// A value as JSON, on one line: `"text"` and `null` stay distinguishable.
pub fn show(value: &Value) -> String {
    value.to_string()
}

/// Leaves of `value` under dotted paths. An empty object is a leaf (it is a value someone
/// set); a non-object root is one leaf with an empty path.
fn flatten(value: Option<&Value>) -> Vec<(String, &Value)> {
    fn walk<'a>(prefix: &str, value: &'a Value, out: &mut Vec<(String, &'a Value)>) {
        match value {
            Value::Object(fields) if !fields.is_empty() || prefix.is_empty() => {
                for (key, value) in fields {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, value, out);
                }
            }
            _ => out.push((prefix.to_owned(), value)),
        }
    }
    let mut out = Vec::new();
    match value {
        None | Some(Value::Null) => {}
        Some(value) => walk("", value, &mut out),
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn changes(details: Value) -> Vec<(String, Change)> {
        diff(&details)
            .unwrap()
            .into_iter()
            .map(|row| (row.key, row.change))
            .collect()
    }

    #[test]
    fn marks_each_field() {
        let details = json!({
            "before": { "name": "Ops", "enabled": true, "url": "https://a", "legacy": 1 },
            "after": { "name": "Ops", "enabled": false, "url": "https://a", "region": "eu" },
        });
        assert_eq!(
            changes(details),
            [
                ("enabled".to_owned(), Change::Changed),
                ("legacy".to_owned(), Change::Removed),
                ("name".to_owned(), Change::Unchanged),
                ("region".to_owned(), Change::Added),
                ("url".to_owned(), Change::Unchanged),
            ]
        );
    }

    #[test]
    fn keeps_both_values() {
        let rows = diff(&json!({ "before": { "n": 1 }, "after": { "n": 2 } })).unwrap();
        assert_eq!(rows[0].before, Some(json!(1)));
        assert_eq!(rows[0].after, Some(json!(2)));
        assert_eq!(show(rows[0].after.as_ref().unwrap()), "2");
        assert_eq!(show(&json!("2")), "\"2\"");
    }

    #[test]
    fn nested_objects_compare_by_field() {
        let details = json!({
            "before": { "limits": { "rpm": 60, "burst": 10 }, "tags": ["a"] },
            "after": { "limits": { "rpm": 120, "burst": 10 }, "tags": ["a", "b"], "meta": {} },
        });
        assert_eq!(
            changes(details),
            [
                ("limits.burst".to_owned(), Change::Unchanged),
                ("limits.rpm".to_owned(), Change::Changed),
                ("meta".to_owned(), Change::Added),
                ("tags".to_owned(), Change::Changed),
            ]
        );
    }

    #[test]
    fn creation_and_deletion() {
        let created = changes(json!({ "before": null, "after": { "email": "a@b.c", "roles": ["admin"] } }));
        assert!(created.iter().all(|(_, change)| *change == Change::Added));
        assert_eq!(created.len(), 2);
        let deleted = changes(json!({ "before": { "email": "a@b.c" } }));
        assert_eq!(deleted, [("email".to_owned(), Change::Removed)]);
    }

    #[test]
    fn plain_values_are_one_row() {
        assert_eq!(
            changes(json!({ "before": "draft", "after": "live" })),
            [(String::new(), Change::Changed)]
        );
    }

    #[test]
    fn nothing_to_compare_without_before_or_after() {
        assert_eq!(
            diff(&json!({ "email": "a@b.c", "reason": "wrong email or password" })),
            None
        );
        assert_eq!(diff(&json!({})), None);
        assert_eq!(diff(&Value::Null), None);
    }

    #[test]
    fn other_details_leave_out_the_comparison() {
        let details = json!({ "before": {}, "after": {}, "reason": "rotation" });
        assert_eq!(other_details(&details), Some(json!({ "reason": "rotation" })));
        assert_eq!(other_details(&json!({ "before": {} })), None);
        assert_eq!(other_details(&json!({})), None);
        assert_eq!(other_details(&Value::Null), None);
        assert_eq!(other_details(&json!([1])), Some(json!([1])));
    }
}
