//! How the page words configuration changes, sources and problems. Kept apart from the
//! views so the wording is tested on the host.

use omni_types::config::{Change, ChangeAction, ChangeSummary, DocumentProblem, EntityKind, Severity, SnapshotSource};
use serde_json::Value;

/// "1 change", "3 changes".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

pub fn kind_title(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Organization => "Organizations",
        EntityKind::McpServer => "MCP servers",
        EntityKind::User => "Hub users",
        EntityKind::ModelPrice => "Model prices",
    }
}

pub fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Organization => "organization",
        EntityKind::McpServer => "MCP server",
        EntityKind::User => "hub user",
        EntityKind::ModelPrice => "model price",
    }
}

pub fn action_label(action: ChangeAction) -> &'static str {
    match action {
        ChangeAction::Created => "Created",
        ChangeAction::Updated => "Updated",
        ChangeAction::Deleted => "Deleted",
    }
}

/// The sign beside an action, so it is told by shape and not colour only.
pub fn action_mark(action: ChangeAction) -> &'static str {
    match action {
        ChangeAction::Created => "+",
        ChangeAction::Updated => "~",
        ChangeAction::Deleted => "−",
    }
}

/// "1 created, 2 updated, 0 deleted", or that nothing changes.
pub fn summary(summary: &ChangeSummary) -> String {
    if summary.is_empty() {
        return "No changes".to_owned();
    }
    format!(
        "{} created, {} updated, {} deleted",
        summary.created, summary.updated, summary.deleted
    )
}

/// The changes in the order the page lists them: by kind (settings' prices last, as in the
/// document's sections), each kind's in the server's order.
pub fn by_kind(changes: &[Change]) -> Vec<(EntityKind, Vec<Change>)> {
    const ORDER: [EntityKind; 4] = [
        EntityKind::Organization,
        EntityKind::McpServer,
        EntityKind::User,
        EntityKind::ModelPrice,
    ];
    ORDER
        .into_iter()
        .filter_map(|kind| {
            let of_kind: Vec<Change> = changes.iter().filter(|c| c.kind == kind).cloned().collect();
            (!of_kind.is_empty()).then_some((kind, of_kind))
        })
        .collect()
}

/// The deletions, as "MCP server github": what a confirmation must spell out.
pub fn deletions(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c.action == ChangeAction::Deleted)
        .map(|c| format!("{} {}", kind_name(c.kind), c.key))
        .collect()
}

/// A field's value: JSON on one line, so `"30"` and `30` stay apart; `none` for null.
pub fn value(value: &Value) -> String {
    match value {
        Value::Null => "none".to_owned(),
        other => other.to_string(),
    }
}

/// A secret field's change, without its values: the server sends only whether one is set
/// (and a value, should it ever send one, is not shown either).
pub fn secret_change(old: &Value, new: &Value) -> &'static str {
    fn is_set(value: &Value) -> bool {
        match value {
            Value::Null => false,
            Value::Bool(set) => *set,
            Value::String(text) => !text.is_empty(),
            _ => true,
        }
    }
    match (is_set(old), is_set(new)) {
        (false, true) => "set",
        (true, false) => "removed",
        (true, true) => "changed",
        (false, false) => "not set",
    }
}

/// What a snapshot's source is called in the timeline.
pub fn source_label(source: SnapshotSource) -> &'static str {
    match source {
        SnapshotSource::File => "File",
        SnapshotSource::Ui => "Console",
        SnapshotSource::Api => "API",
        SnapshotSource::Rollback => "Rollback",
    }
}

/// How the last snapshot came about, after "Last applied".
pub fn source_phrase(source: SnapshotSource) -> &'static str {
    match source {
        SnapshotSource::File => "from a file",
        SnapshotSource::Ui => "from the console's editor",
        SnapshotSource::Api => "through the API",
        SnapshotSource::Rollback => "as a rollback",
    }
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    }
}

/// "12:5", where the problem is.
pub fn location(problem: &DocumentProblem) -> String {
    format!("{}:{}", problem.line, problem.column)
}

/// "2 errors, 1 warning", or none.
pub fn problem_counts(problems: &[DocumentProblem]) -> Option<String> {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    match (errors, warnings) {
        (0, 0) => None,
        (e, 0) => Some(count(e, "error", "errors")),
        (0, w) => Some(count(w, "warning", "warnings")),
        (e, w) => Some(format!(
            "{}, {}",
            count(e, "error", "errors"),
            count(w, "warning", "warnings")
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn change(kind: EntityKind, key: &str, action: ChangeAction) -> Change {
        Change {
            kind,
            key: key.to_owned(),
            action,
            renamed_from: None,
            fields: Vec::new(),
        }
    }

    #[test]
    fn summaries_read_as_counts() {
        let s = ChangeSummary {
            created: 1,
            updated: 2,
            deleted: 0,
        };
        assert_eq!(summary(&s), "1 created, 2 updated, 0 deleted");
        assert_eq!(summary(&ChangeSummary::default()), "No changes");
        assert_eq!(count(1, "change", "changes"), "1 change");
        assert_eq!(count(0, "change", "changes"), "0 changes");
    }

    #[test]
    fn changes_are_grouped_by_kind_in_document_order() {
        let changes = [
            change(EntityKind::User, "acme/ada@example.com", ChangeAction::Updated),
            change(EntityKind::McpServer, "github", ChangeAction::Deleted),
            change(EntityKind::Organization, "acme", ChangeAction::Created),
            change(EntityKind::McpServer, "slack", ChangeAction::Created),
        ];
        let groups: Vec<(EntityKind, Vec<String>)> = by_kind(&changes)
            .into_iter()
            .map(|(kind, list)| (kind, list.into_iter().map(|c| c.key).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                (EntityKind::Organization, vec!["acme".to_owned()]),
                (EntityKind::McpServer, vec!["github".to_owned(), "slack".to_owned()]),
                (EntityKind::User, vec!["acme/ada@example.com".to_owned()]),
            ]
        );
        assert_eq!(deletions(&changes), ["MCP server github"]);
    }

    #[test]
    fn values_keep_their_type_and_secrets_never_show() {
        assert_eq!(value(&json!(10000)), "10000");
        assert_eq!(value(&json!("10000")), "\"10000\"");
        assert_eq!(value(&Value::Null), "none");
        assert_eq!(value(&json!(["a", "b"])), "[\"a\",\"b\"]");
        assert_eq!(secret_change(&json!(false), &json!(true)), "set");
        assert_eq!(secret_change(&Value::Null, &json!(true)), "set");
        assert_eq!(secret_change(&json!(true), &json!(false)), "removed");
        assert_eq!(secret_change(&json!(true), &json!(true)), "changed");
        // Were a value ever sent, it would still only say that something is set.
        assert_eq!(secret_change(&json!("Bearer old"), &json!("Bearer new")), "changed");
    }

    #[test]
    fn problems_are_counted_by_severity() {
        let problem = |severity| DocumentProblem {
            severity,
            path: "mcp_servers[0].timeout_ms".into(),
            line: 12,
            column: 17,
            message: "must be at least 100".into(),
        };
        assert_eq!(problem_counts(&[]), None);
        assert_eq!(location(&problem(Severity::Error)), "12:17");
        assert_eq!(
            problem_counts(&[
                problem(Severity::Error),
                problem(Severity::Error),
                problem(Severity::Warning)
            ])
            .as_deref(),
            Some("2 errors, 1 warning")
        );
        assert_eq!(
            problem_counts(&[problem(Severity::Warning)]).as_deref(),
            Some("1 warning")
        );
    }

    #[test]
    fn sources_have_names() {
        assert_eq!(source_label(SnapshotSource::Ui), "Console");
        assert_eq!(source_phrase(SnapshotSource::File), "from a file");
    }
}
