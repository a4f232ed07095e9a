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

/// What to write so the stored tools match `discovered`. With `require_approval`, new and
/// changed tools become `pending` (the hub must not offer them until an admin approves);
/// a removed tool is simply gone, which is never a risk.
pub fn plan(current: &[StoredTool], discovered: Vec<DiscoveredTool>, require_approval: bool) -> Plan {
    let before: BTreeMap<&str, &StoredTool> = current.iter().map(|t| (t.name.as_str(), t)).collect();
    // A server listing one name twice: the last definition wins.
    let after: BTreeMap<String, DiscoveredTool> = discovered.into_iter().map(|t| (t.name.clone(), t)).collect();
    let (new_status, change_status) = if require_approval {
        (ToolStatus::Pending, ToolChangeStatus::Pending)
    } else {
        (ToolStatus::Approved, ToolChangeStatus::Applied)
    };

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
        let stored = StoredTool {
            name: name.clone(),
            title: tool.title,
            description: tool.description,
            input_schema: tool.input_schema,
            output_schema: tool.output_schema,
            annotations: tool.annotations,
            status: new_status,
        };
        match before.get(name.as_str()) {
            None => {
                plan.changes.push(PlannedChange {
                    tool_name: name,
                    kind: ToolChangeKind::Added,
                    before: None,
                    after: Some(definition(&stored)),
                    fields: Vec::new(),
                    status: change_status,
                });
                plan.upserts.push(stored);
            }
            Some(old) => {
                let fields = differing_fields(old, &stored);
                if fields.is_empty() {
                    continue;
                }
                plan.changes.push(PlannedChange {
                    tool_name: name,
                    kind: ToolChangeKind::Changed,
                    before: Some(definition(old)),
                    after: Some(definition(&stored)),
                    fields,
                    status: change_status,
                });
                plan.upserts.push(stored);
            }
        }
    }
    plan
}

fn differing_fields(old: &StoredTool, new: &StoredTool) -> Vec<String> {
    let mut fields = Vec::new();
    if old.title != new.title {
        fields.push("title".to_owned());
    }
    if old.description != new.description {
        fields.push("description".to_owned());
    }
    if old.input_schema != new.input_schema {
        fields.push("input_schema".to_owned());
    }
    if old.output_schema != new.output_schema {
        fields.push("output_schema".to_owned());
    }
    if old.annotations != new.annotations {
        fields.push("annotations".to_owned());
    }
    fields
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
        }
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
            &[stored("edit", "old")],
            vec![found("edit", "swapped"), found("fresh", "hi")],
            true,
        );
        assert!(plan.upserts.iter().all(|t| t.status == ToolStatus::Pending));
        assert!(plan.changes.iter().all(|c| c.status == ToolChangeStatus::Pending));
    }
}
