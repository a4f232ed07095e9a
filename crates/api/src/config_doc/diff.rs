//! What changes between two documents: entity by entity and field by field, and the two
//! YAML texts side by side.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use omni_types::config::{Change, ChangeAction, DiffHunk, DiffRow, Document, EntityKind, FieldChange, LineTag};
use serde::Serialize;
use serde_json::Value;
use similar::{Algorithm, DiffTag, TextDiff};

/// An entity of either document, by kind and key.
type Entities = BTreeMap<(u8, String), (EntityKind, Value)>;

/// Fields a change never lists: the key itself, the rename hint, and the secret (which
/// is compared apart).
const HIDDEN: &[&str] = &["renamed_from", "auth_header"];

/// The entity changes from `old` to `new`. `secrets_changed` names the servers (by their
/// new name) whose auth header value changes while both sides have one; a header added
/// or removed is seen from the documents. Renames (`renamed_from`) pair an old server
/// with its new name when the old name is vacated (or taken over by another rename).
pub fn changes(old: &Document, new: &Document, secrets_changed: &HashSet<String>) -> Vec<Change> {
    let renames = renames(old, new);
    let mut before = entities(old);
    let after = entities(new);
    let mut out = Vec::new();
    // The old server rows renames continue: no one else continues them.
    let claimed: HashSet<&str> = renames.values().map(String::as_str).collect();
    let mut matched: HashSet<(u8, String)> = HashSet::new();
    for ((rank, key), (kind, value)) in &after {
        let server = *kind == EntityKind::McpServer;
        let from = server.then(|| renames.get(key.as_str())).flatten().cloned();
        let old_key = (*rank, from.clone().unwrap_or_else(|| key.clone()));
        let continued = if from.is_none() && server && claimed.contains(key.as_str()) {
            None
        } else {
            before.get(&old_key)
        };
        match continued {
            Some((_, old_value)) => {
                matched.insert(old_key.clone());
                let mut fields = field_changes(old_value, value);
                if *kind == EntityKind::McpServer {
                    let had = !old_value["auth_header"].is_null();
                    let has = !value["auth_header"].is_null();
                    if had != has || (had && secrets_changed.contains(key)) {
                        fields.push(FieldChange {
                            field: "auth_header".into(),
                            old: Value::Bool(had),
                            new: Value::Bool(has),
                            secret: true,
                        });
                    }
                }
                if !fields.is_empty() || from.is_some() {
                    out.push(Change {
                        kind: *kind,
                        key: key.clone(),
                        action: ChangeAction::Updated,
                        renamed_from: from,
                        fields,
                    });
                }
            }
            None => out.push(Change {
                kind: *kind,
                key: key.clone(),
                action: ChangeAction::Created,
                renamed_from: None,
                fields: field_changes(&Value::Null, value),
            }),
        }
    }
    before.retain(|k, _| !matched.contains(k));
    for ((_, key), (kind, value)) in before {
        out.push(Change {
            kind,
            key,
            action: ChangeAction::Deleted,
            renamed_from: None,
            fields: field_changes(&value, &Value::Null),
        });
    }
    out.sort_by(|a, b| (rank(a.kind), &a.key).cmp(&(rank(b.kind), &b.key)));
    out
}

/// New name → old name, for the renames that apply: the old name exists, and the new
/// name is free (or its holder is itself renamed away, as in a swap).
pub fn renames(old: &Document, new: &Document) -> HashMap<String, String> {
    let existing: HashSet<&str> = old.mcp_servers.iter().map(|s| s.name.as_str()).collect();
    let wanted: Vec<(&str, &str)> = new
        .mcp_servers
        .iter()
        .filter_map(|s| Some((s.name.as_str(), s.renamed_from.as_deref()?)))
        .filter(|(_, from)| existing.contains(from))
        .collect();
    let vacated: HashSet<&str> = wanted.iter().map(|(_, from)| *from).collect();
    wanted
        .into_iter()
        .filter(|(name, _)| !existing.contains(name) || vacated.contains(name))
        .map(|(name, from)| (name.to_owned(), from.to_owned()))
        .collect()
}

pub fn rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::ModelPrice => 0,
        EntityKind::Organization => 1,
        EntityKind::McpServer => 2,
        EntityKind::User => 3,
    }
}

fn entities(doc: &Document) -> Entities {
    fn put<T: Serialize>(out: &mut Entities, kind: EntityKind, key: String, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        out.insert((rank(kind), key), (kind, value));
    }
    let mut out = Entities::new();
    for m in &doc.settings.model_prices {
        put(&mut out, EntityKind::ModelPrice, m.model.clone(), m);
    }
    for o in &doc.organizations {
        put(&mut out, EntityKind::Organization, o.slug.clone(), o);
    }
    for s in &doc.mcp_servers {
        put(&mut out, EntityKind::McpServer, s.name.clone(), s);
    }
    for u in &doc.users {
        put(&mut out, EntityKind::User, user_key(&u.organization, &u.email), u);
    }
    out
}

/// A user's key in changes: `org-slug/email`.
pub fn user_key(organization: &str, email: &str) -> String {
    format!("{organization}/{email}")
}

/// Field by field; a mapping-valued field (tools, grants, external ids) key by key.
fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        if HIDDEN.contains(&name.as_str()) {
            continue;
        }
        let a = old.get(name).unwrap_or(&Value::Null);
        let b = new.get(name).unwrap_or(&Value::Null);
        if a == b {
            continue;
        }
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let (p, q) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                    if p != q {
                        out.push(FieldChange {
                            field: format!("{name}.{k}"),
                            old: p.clone(),
                            new: q.clone(),
                            secret: false,
                        });
                    }
                }
            }
            _ => out.push(FieldChange {
                field: name.clone(),
                old: a.clone(),
                new: b.clone(),
                secret: false,
            }),
        }
    }
    out
}

/// The changed parts of two texts, side by side, with three lines of context.
pub fn text(old: &str, new: &str) -> Vec<DiffHunk> {
    const CONTEXT: usize = 3;
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    // Documents differ in a few places: only the part between the common head and tail
    // (and its context) goes to the line diff, which on 100,000 alike lines is slow.
    let head = old_lines.iter().zip(&new_lines).take_while(|(a, b)| a == b).count();
    let tail = old_lines[head..]
        .iter()
        .rev()
        .zip(new_lines[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    if head == old_lines.len() && head == new_lines.len() {
        return Vec::new();
    }
    let start = head.saturating_sub(CONTEXT);
    let (old_end, new_end) = (
        (old_lines.len() - tail + CONTEXT).min(old_lines.len()),
        (new_lines.len() - tail + CONTEXT).min(new_lines.len()),
    );
    let (old_mid, new_mid) = (&old_lines[start..old_end], &new_lines[start..new_end]);
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(Duration::from_secs(2))
        .diff_slices(old_mid, new_mid);
    let number = |i: usize| Some((start + i) as u32 + 1);
    let mut hunks = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        let mut rows = Vec::new();
        for op in group {
            let (tag, olds, news) = op.as_tag_tuple();
            let (olds, news) = (olds.collect::<Vec<_>>(), news.collect::<Vec<_>>());
            let tag = match tag {
                DiffTag::Equal => LineTag::Equal,
                DiffTag::Delete => LineTag::Delete,
                DiffTag::Insert => LineTag::Insert,
                DiffTag::Replace => LineTag::Replace,
            };
            for k in 0..olds.len().max(news.len()) {
                let o = olds.get(k).copied();
                let n = news.get(k).copied();
                // A replace of unequal lengths pads the shorter side: its rows are
                // deletes or inserts.
                let tag = match (tag, o, n) {
                    (LineTag::Replace, Some(_), None) => LineTag::Delete,
                    (LineTag::Replace, None, Some(_)) => LineTag::Insert,
                    (t, ..) => t,
                };
                rows.push(DiffRow {
                    tag,
                    old_line: o.and_then(number),
                    old_text: o.map(|i| old_mid[i].to_owned()),
                    new_line: n.and_then(number),
                    new_text: n.map(|i| new_mid[i].to_owned()),
                });
            }
        }
        hunks.push(DiffHunk { rows });
    }
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;
    use omni_types::config::McpServer;
    use omni_types::mcp::Transport;

    fn server(name: &str, timeout_ms: i32) -> McpServer {
        McpServer {
            name: name.into(),
            renamed_from: None,
            description: String::new(),
            transport: Transport::StreamableHttp,
            url: Some(format!("https://{name}.example.com/mcp")),
            command: None,
            args: vec![],
            auth_header_name: Some("Authorization".into()),
            auth_header: None,
            timeout_ms,
            degraded_threshold_ms: 100,
            check_interval_seconds: 60,
            tags: vec![],
            organization: None,
            enabled: true,
            require_tool_approval: false,
            tools: Default::default(),
        }
    }

    fn doc(servers: Vec<McpServer>) -> Document {
        Document {
            version: 1,
            settings: Default::default(),
            organizations: vec![],
            mcp_servers: servers,
            users: vec![],
        }
    }

    #[test]
    fn updates_creates_deletes_and_secrets() {
        let old = doc(vec![server("a", 1000), server("b", 1000)]);
        let mut c = server("c", 1000);
        c.auth_header = Some("${X}".into());
        let new = doc(vec![server("a", 2000), c]);
        let found = changes(&old, &new, &HashSet::new());
        let summary: Vec<(&str, ChangeAction)> = found.iter().map(|c| (c.key.as_str(), c.action)).collect();
        assert_eq!(
            summary,
            [
                ("a", ChangeAction::Updated),
                ("b", ChangeAction::Deleted),
                ("c", ChangeAction::Created)
            ]
        );
        assert_eq!(found[0].fields.len(), 1);
        assert_eq!(found[0].fields[0].field, "timeout_ms");
        assert_eq!(
            (&found[0].fields[0].old, &found[0].fields[0].new),
            (&Value::from(1000), &Value::from(2000))
        );
        let text = serde_json::to_string(&found).unwrap();
        assert!(!text.contains("${X}"), "the reference is not even shown");
    }

    #[test]
    fn a_rename_and_a_swap_pair_rows_by_their_old_names() {
        let old = doc(vec![server("a", 1000), server("b", 2000)]);
        let mut renamed = server("z", 1000);
        renamed.renamed_from = Some("a".into());
        let found = changes(&old, &doc(vec![renamed, server("b", 2000)]), &HashSet::new());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            (found[0].key.as_str(), found[0].renamed_from.as_deref()),
            ("z", Some("a"))
        );

        // A new server may take the name a rename frees.
        let mut renamed = server("z", 1000);
        renamed.renamed_from = Some("a".into());
        let taken = changes(
            &old,
            &doc(vec![server("a", 3000), server("b", 2000), renamed]),
            &HashSet::new(),
        );
        let keys: Vec<_> = taken.iter().map(|c| (c.key.as_str(), c.action)).collect();
        assert_eq!(keys, [("a", ChangeAction::Created), ("z", ChangeAction::Updated)]);

        let (mut a, mut b) = (server("a", 2000), server("b", 1000));
        a.renamed_from = Some("b".into());
        b.renamed_from = Some("a".into());
        a.url = Some("https://b.example.com/mcp".into());
        b.url = Some("https://a.example.com/mcp".into());
        let swapped = changes(&old, &doc(vec![a, b]), &HashSet::new());
        let keys: Vec<_> = swapped
            .iter()
            .map(|c| (c.key.as_str(), c.action, c.renamed_from.as_deref(), c.fields.len()))
            .collect();
        assert_eq!(
            keys,
            [
                ("a", ChangeAction::Updated, Some("b"), 1),
                ("b", ChangeAction::Updated, Some("a"), 1)
            ],
            "only the names change"
        );
    }

    #[test]
    fn side_by_side_rows() {
        let hunks = text("a\nb\nc\n", "a\nB\nc\nd\n");
        let rows = &hunks[0].rows;
        assert_eq!(rows[1].tag, LineTag::Replace);
        assert_eq!(
            (rows[1].old_text.as_deref(), rows[1].new_text.as_deref()),
            (Some("b"), Some("B"))
        );
        assert_eq!(rows.last().unwrap().tag, LineTag::Insert);
        assert_eq!(rows.last().unwrap().new_line, Some(4));
        assert!(text("same\n", "same\n").is_empty());
        // Far from the start: numbers count from the top, context is three lines.
        let long: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let changed = long.replace("line 50\n", "line fifty\n");
        let hunks = text(&long, &changed);
        assert_eq!(hunks.len(), 1);
        let rows = &hunks[0].rows;
        assert_eq!(rows.len(), 7);
        assert_eq!(
            (rows[0].old_line, rows[3].old_line, rows[3].tag),
            (Some(48), Some(51), LineTag::Replace)
        );
        assert_eq!(rows[3].new_text.as_deref(), Some("line fifty"));
    }
}
