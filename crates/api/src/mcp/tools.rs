//! The diff between the tools a server had and the tools it now offers (SPEC MCP-3).
//! Pure: the caller applies the plan in its transaction.

use std::collections::BTreeMap;

use omni_types::mcp::{ToolChangeKind, ToolChangeStatus, ToolStatus};
use serde_json::Value;

use super::check::DiscoveredTool;
use crate::db::mcp_tools::{StoredTool, definition};

/// A change to record.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChange {
    pub tool_name: String,
    pub kind: ToolChangeKind,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub fields: Vec<String>,
    pub status: ToolChangeStatus,
}

#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    pub upserts: Vec<StoredTool>,
    pub removals: Vec<String>,
    pub changes: Vec<PlannedChange>,
}

/// What to write so the stored tools match `discovered`.
///
/// Without approval every difference applies at once. With `require_approval`, a new or
/// changed tool becomes `pending`, and its change is diffed against the definition an
/// admin last approved, never against an unapproved one in between: a server cannot get
/// a harmful change approved by following it with a harmless one. A tool that returns
/// to its approved definition is approved again. A removed tool is simply gone, which is
/// never a risk.
pub fn plan(current: &[StoredTool], discovered: Vec<DiscoveredTool>, require_approval: bool) -> Plan {
    let before: BTreeMap<&str, &StoredTool> = current.iter().map(|t| (t.name.as_str(), t)).collect();
    // A server listing one name twice: the last definition wins.
    let after: BTreeMap<String, DiscoveredTool> = discovered.into_iter().map(|t| (t.name.clone(), t)).collect();

    let mut plan = Plan::default();
    for old in current.iter().filter(|t| !after.contains_key(&t.name)) {
        plan.removals.push(old.name.clone());
        plan.changes.push(PlannedChange {
            tool_name: old.name.clone(),
            kind: ToolChangeKind::Removed,
            before: Some(definition(old)),
            after: None,
            fields: Vec::new(),
            status: ToolChangeStatus::Applied,
        });
    }
    for (name, tool) in after {
        let mut stored = StoredTool {
            name: name.clone(),
            title: tool.title,
            description: tool.description,
            input_schema: tool.input_schema,
            output_schema: tool.output_schema,
            annotations: tool.annotations,
            status: ToolStatus::Approved,
            approved_definition: None,
        };
        let now = definition(&stored);
        let old = before.get(name.as_str()).copied();
        if old.is_some_and(|old| definition(old) == now) {
            continue;
        }
        let shown_before = if require_approval {
            // What the admin would approve is the whole way from the approved definition.
            old.and_then(|o| o.approved_definition.clone())
        } else {
            old.map(definition)
        };
        let back_to_approved = require_approval && shown_before.as_ref() == Some(&now);
        let (status, change_status) = if !require_approval || back_to_approved {
            (ToolStatus::Approved, ToolChangeStatus::Applied)
        } else {
            (ToolStatus::Pending, ToolChangeStatus::Pending)
        };
        stored.status = status;
        stored.approved_definition = if status == ToolStatus::Approved {
            Some(now.clone())
        } else {
            old.and_then(|o| o.approved_definition.clone())
        };
        let (before_def, kind) = match (old, back_to_approved) {
            // Back where it was approved: show the step that undid the pending change.
            (Some(old), true) => (Some(definition(old)), ToolChangeKind::Changed),
            // Never approved (or new): to an admin it is an added tool.
            (_, _) => match shown_before {
                Some(def) => (Some(def), ToolChangeKind::Changed),
                None => (None, ToolChangeKind::Added),
            },
        };
        let fields = before_def
            .as_ref()
            .map(|b| differing_fields(b, &now))
            .unwrap_or_default();
        plan.changes.push(PlannedChange {
            tool_name: name,
            kind,
            before: before_def,
            after: Some(now),
            fields,
            status: change_status,
        });
        plan.upserts.push(stored);
    }
    plan
}

/// The definition fields (`description`, `input_schema`, …) that differ.
fn differing_fields(old: &Value, new: &Value) -> Vec<String> {
    ["title", "description", "input_schema", "output_schema", "annotations"]
        .into_iter()
        .filter(|field| old.get(field) != new.get(field))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn found(name: &str, description: &str) -> DiscoveredTool {
        DiscoveredTool {
            name: name.into(),
            title: None,
            description: Some(description.into()),
            input_schema: json!({ "type": "object" }),
            output_schema: None,
            annotations: None,
        }
    }

    fn stored(name: &str, description: &str) -> StoredTool {
        let t = found(name, description);
        StoredTool {
            name: t.name,
            title: t.title,
            description: t.description,
            input_schema: t.input_schema,
            output_schema: t.output_schema,
            annotations: t.annotations,
            status: ToolStatus::Approved,
            approved_definition: None,
        }
    }

    fn approved(name: &str, description: &str) -> StoredTool {
        let mut t = stored(name, description);
        t.approved_definition = Some(definition(&t));
        t
    }

    #[test]
    fn added_changed_removed_and_unchanged() {
        let current = [stored("keep", "same"), stored("edit", "old"), stored("gone", "bye")];
        let plan = plan(
            &current,
            vec![found("keep", "same"), found("edit", "new"), found("fresh", "hi")],
            false,
        );
        let kinds: Vec<(&str, ToolChangeKind)> = plan.changes.iter().map(|c| (c.tool_name.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("gone", ToolChangeKind::Removed),
                ("edit", ToolChangeKind::Changed),
                ("fresh", ToolChangeKind::Added)
            ]
        );
        assert_eq!(plan.changes[1].fields, ["description"]);
        assert_eq!(plan.removals, ["gone"]);
        assert!(plan.changes.iter().all(|c| c.status == ToolChangeStatus::Applied));
        assert_eq!(plan.upserts.len(), 2, "the unchanged tool is not rewritten");
    }

    #[test]
    fn approval_holds_new_and_changed_tools() {
        let plan = plan(
            &[approved("edit", "old")],
            vec![found("edit", "swapped"), found("fresh", "hi")],
            true,
        );
        assert!(plan.upserts.iter().all(|t| t.status == ToolStatus::Pending));
        assert!(plan.changes.iter().all(|c| c.status == ToolChangeStatus::Pending));
        let edit = plan.upserts.iter().find(|t| t.name == "edit").unwrap();
        assert_eq!(
            edit.approved_definition.as_ref().unwrap()["description"],
            "old",
            "the approved definition is kept"
        );
    }

    #[test]
    fn a_pending_change_is_diffed_against_the_approved_definition() {
        // v1 approved, v2 pending (the real change), now v3 (a cosmetic one on top).
        let mut pending = stored("t", "v2: also uploads your files");
        pending.status = ToolStatus::Pending;
        pending.approved_definition = approved("t", "v1").approved_definition;
        let plan = super::plan(&[pending.clone()], vec![found("t", "v3: uploads your files")], true);
        assert_eq!(plan.changes[0].before.as_ref().unwrap()["description"], "v1");
        assert_eq!(plan.changes[0].status, ToolChangeStatus::Pending);
        // Back to v1: approved again, without anyone deciding.
        let plan = super::plan(&[pending], vec![found("t", "v1")], true);
        assert_eq!(plan.upserts[0].status, ToolStatus::Approved);
        assert_eq!(plan.changes[0].status, ToolChangeStatus::Applied);
    }
}
