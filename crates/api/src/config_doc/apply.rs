//! From a document to the database: the plan (what changes, secrets resolved), and its
//! execution in one transaction, ordered so unique constraints never fail mid-way.

use std::collections::{BTreeMap, HashMap, HashSet};

use omni_types::config::{
    self, Change, ChangeAction, ChangeSummary, Counts, Diff, Document, DocumentProblem, EntityKind, McpServer,
    SnapshotSource, SnapshotSummary,
};
use omni_types::hub_users::Grant;
use omni_types::mcp::ToolStatus;
use omni_types::orgs::OrgSettings;
use omni_types::permissions::Permission;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::export::{self, Current};
use super::parse::{self, Parsed, Problems};
use super::{check, diff, state_id, yaml};
use crate::crypto::Sealer;
use crate::db::audit::{self, Actor, Entry, actions};
use crate::db::{config_snapshots, hub_grants, hub_users, mcp_servers, mcp_tools, orgs, usage};
use crate::http::client::ClientMeta;
use crate::routes;

/// The tables a document describes, locked against writes (reads go on) for the whole
/// apply: the state it checks is the state it changes.
/// EXCLUSIVE, not SHARE ROW EXCLUSIVE: row locks (`SELECT … FOR UPDATE`, which health
/// checks and console edits take before they write) must wait for the apply too, or
/// they could deadlock with it.
const LOCK: &str = "LOCK TABLE model_prices, organizations, organization_allowed_servers, mcp_servers, mcp_tools,
                    mcp_tool_changes, hub_users, hub_user_external_ids, hub_user_grants, config_snapshots
                    IN EXCLUSIVE MODE";

/// Why a document can't be planned.
#[derive(Debug)]
pub enum Refusal {
    Invalid(Vec<DocumentProblem>),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Db(e)
    }
}

/// Where `${NAME}` references find their values, in this order. (Never the API's own
/// environment: a document could then send the API's secrets anywhere.)
pub struct Secrets<'a> {
    /// Sent with the request: the applying side's values (the CLI sends its
    /// environment's).
    pub given: &'a BTreeMap<String, String>,
    /// A rollback's snapshot: the values it stored, sealed, by server name.
    pub snapshot: &'a [(String, Vec<u8>)],
}

/// A checked document against the current state: what applying it changes.
pub struct Plan {
    pub current: Current,
    pub base_state: String,
    current_text: String,
    /// Normalised, with renames and the tools' effective statuses.
    desired: Document,
    /// The state after the apply, as its export will read.
    target_text: String,
    pub changes: Vec<Change>,
    pub warnings: Vec<DocumentProblem>,
    /// Plain auth header values by (new) server name; `None` clears it.
    secrets: HashMap<String, Option<String>>,
    /// Current server name → the document's name for it.
    continues: HashMap<String, String>,
    /// The current document with its servers' references (grants, allow-lists) under the
    /// names the document gives them: what users and organizations are compared with.
    translated: Document,
}

impl Plan {
    /// The diff; of the console's changes since the last apply, those this one changes
    /// again.
    pub fn diff(&self, mut console_changes: Vec<Change>) -> Diff {
        console_changes.retain(|c| {
            self.changes
                .iter()
                .any(|d| d.kind == c.kind && (d.key == c.key || d.renamed_from.as_ref() == Some(&c.key)))
        });
        Diff {
            base_state: self.base_state.clone(),
            target_state: state_id(&self.target_text),
            summary: ChangeSummary::of(&self.changes),
            changes: self.changes.clone(),
            text: diff::text(&self.current_text, &self.target_text),
            warnings: self.warnings.clone(),
            console_changes,
        }
    }

    /// The state the apply leads to.
    pub fn target_state(&self) -> String {
        state_id(&self.target_text)
    }

    /// The document as it would be stored.
    pub fn document(&self) -> &Document {
        &self.desired
    }

    /// The write permissions the changes need besides `config:write`.
    pub fn permissions(&self) -> Vec<Permission> {
        let mut needed: Vec<Permission> = self
            .changes
            .iter()
            .map(|c| match c.kind {
                EntityKind::ModelPrice => Permission::SettingsWrite,
                EntityKind::Organization => Permission::OrgsWrite,
                EntityKind::McpServer => Permission::McpWrite,
                EntityKind::User => Permission::UsersWrite,
            })
            .collect();
        needed.sort_by_key(|p| p.as_str());
        needed.dedup();
        needed
    }
}

/// Reads and checks `text`: the document, or every problem.
pub fn read(text: &str) -> Result<(Parsed, Document, Vec<DocumentProblem>), Vec<DocumentProblem>> {
    let parsed = parse::parse(text).map_err(Problems::sorted)?;
    let mut problems = Problems::default();
    match check::check(&parsed, &mut problems) {
        Some(doc) => Ok((parsed, doc, problems.sorted())),
        None => Err(problems.sorted()),
    }
}

/// How many of each entity a document holds.
pub fn counts(doc: &Document) -> Counts {
    let n = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
    Counts {
        organizations: n(doc.organizations.len()),
        mcp_servers: n(doc.mcp_servers.len()),
        users: n(doc.users.len()),
        model_prices: n(doc.settings.model_prices.len()),
    }
}

/// Plans `text` against the state on `conn`.
pub async fn plan(
    conn: &mut PgConnection,
    sealer: &Sealer,
    text: &str,
    secrets: &Secrets<'_>,
) -> Result<Plan, Refusal> {
    let (parsed, mut desired, warnings) = read(text).map_err(Refusal::Invalid)?;
    let current = export::read(conn).await?;
    let current_text =
        yaml::to_string(&current.document).map_err(|e| Refusal::Db(sqlx::Error::Protocol(e.to_string())))?;
    let mut problems = Problems(warnings);
    let continues = continuation(&current.document, &desired);
    let by_new: HashMap<&str, &str> = continues
        .iter()
        .map(|(old, new)| (new.as_str(), old.as_str()))
        .collect();
    let old_servers: HashMap<&str, &McpServer> = current
        .document
        .mcp_servers
        .iter()
        .map(|s| (s.name.as_str(), s))
        .collect();
    let index = |name: &str| {
        parsed
            .document
            .mcp_servers
            .iter()
            .position(|s| s.name.trim() == name)
            .unwrap_or_default()
    };
    let open = |sealed: &[u8]| sealer.open(sealed).and_then(|b| String::from_utf8(b).ok());

    let mut plain = HashMap::new();
    let mut secrets_changed = HashSet::new();
    for s in &mut desired.mcp_servers {
        let path = format!("mcp_servers[{}]", index(&s.name));
        let before = by_new.get(s.name.as_str()).and_then(|old| old_servers.get(old));
        if let Some(from) = &s.renamed_from
            && before.is_none_or(|b| b.name != *from)
        {
            let field = format!("{path}.renamed_from");
            let message = if old_servers.contains_key(from.as_str()) {
                format!("`{from}` is not renamed: `{}` is taken by a server that stays", s.name)
            } else if old_servers.contains_key(s.name.as_str()) {
                format!("`{from}` names no MCP server: the rename is done (remove `renamed_from`)")
            } else {
                // A typo here would delete the real server and create a new one.
                problems.error(
                    &field,
                    parsed.positions.find(&field),
                    format!("`{from}` names no MCP server, and `{}` is not one either", s.name),
                );
                continue;
            };
            problems.warning(&field, parsed.positions.find(&field), message);
        }
        let current_value = before
            .and_then(|b| current.sealed.get(&b.name))
            .and_then(|sealed| open(sealed));
        let value = match s.auth_header.as_deref().and_then(config::reference) {
            None => None,
            Some(name) => {
                let field = format!("{path}.auth_header");
                let at = parsed.positions.find(&field);
                let given = secrets.given.get(name).cloned();
                // A snapshot's value is the one its server (by this name) had.
                let stored = || {
                    secrets
                        .snapshot
                        .iter()
                        .find(|(server, _)| *server == s.name && config::auth_header_variable(server) == name)
                        .and_then(|(_, sealed)| open(sealed))
                };
                // The reference a current row exports as stands for that row's value: it
                // may stay with that row, not follow another server or a new origin.
                // So does the one it exported as before a rename this document makes.
                let kept = || {
                    let own = before.filter(|_| {
                        s.renamed_from.as_deref().map(config::auth_header_variable).as_deref() == Some(name)
                    });
                    let owner = match own {
                        Some(b) => Some(b.name.as_str()),
                        None => current
                            .sealed
                            .keys()
                            .find(|server| config::auth_header_variable(server) == name)
                            .map(String::as_str),
                    }?;
                    Some((owner, open(current.sealed.get(owner)?)?))
                };
                let found = match given.or_else(stored) {
                    Some(value) => Some(value),
                    None => match kept() {
                        None => {
                            problems.error(
                                &field,
                                at,
                                format!("`${{{name}}}` is not set: pass it in the environment of the apply"),
                            );
                            None
                        }
                        Some((owner, value)) => {
                            let moved = before.is_some_and(|b| {
                                routes::mcp_servers::update::origin(b.url.as_deref())
                                    != routes::mcp_servers::update::origin(s.url.as_deref())
                            });
                            if before.is_none_or(|b| b.name != owner) {
                                problems.error(
                                    &field,
                                    at,
                                    format!("`${{{name}}}` is `{owner}`'s auth header: give its value to use it here"),
                                );
                            } else if moved {
                                problems.error(
                                    &field,
                                    at,
                                    format!("`${{{name}}}` must be given again when the URL moves to another origin"),
                                );
                            }
                            Some(value)
                        }
                    },
                };
                if let Some(value) = &found
                    && let Err(m) = routes::mcp_servers::check_header_value(value)
                {
                    problems.error(&field, at, format!("`${{{name}}}` {m}"));
                }
                found
            }
        };
        if let (Some(a), Some(b)) = (&current_value, &value)
            && a != b
        {
            secrets_changed.insert(s.name.clone());
        }
        plain.insert(s.name.clone(), value);

        // Tools are discovered, not declared: the document sets the status of those the
        // server has reported; the rest keep theirs.
        let reported = before.map(|b| b.tools.clone()).unwrap_or_default();
        for tool in s.tools.keys() {
            if !reported.contains_key(tool) {
                let field = format!("{path}.tools.{tool}");
                problems.warning(
                    &field,
                    parsed.positions.find(&field),
                    format!("`{tool}` has not been reported by `{}`: its status is not set", s.name),
                );
            }
        }
        let mut tools = reported;
        // Turning approval off releases what waited (as the console does), unless the
        // document decides otherwise.
        let mut released = HashSet::new();
        if before.is_some_and(|b| b.require_tool_approval) && !s.require_tool_approval {
            for (tool, status) in &mut tools {
                if *status == ToolStatus::Pending {
                    *status = ToolStatus::Approved;
                    released.insert(tool.clone());
                }
            }
        }
        for (tool, status) in &s.tools {
            if let Some(t) = tools.get_mut(tool)
                && !(released.contains(tool) && *status == ToolStatus::Pending)
            {
                *t = *status;
            }
        }
        s.tools = tools;
    }
    // Grants may name tools a server hasn't reported yet (a document from another hub):
    // they apply once it does.
    let known: HashMap<&str, HashSet<&str>> = desired
        .mcp_servers
        .iter()
        .map(|s| {
            let declared = parsed
                .document
                .mcp_servers
                .iter()
                .filter(|p| p.name.trim() == s.name)
                .flat_map(|p| p.tools.keys());
            (
                s.name.as_str(),
                s.tools.keys().chain(declared).map(String::as_str).collect(),
            )
        })
        .collect();
    for (i, u) in parsed.document.users.iter().enumerate() {
        for (server, tools) in &u.permissions {
            let Some(known) = known.get(server.as_str()) else {
                continue;
            };
            for (j, tool) in tools.iter().enumerate() {
                let tool = tool.trim();
                if tool != "*" && !known.contains(tool) {
                    let field = format!("users[{i}].permissions.{server}[{j}]");
                    problems.warning(
                        &field,
                        parsed.positions.find(&field),
                        format!("`{server}` has no tool `{tool}` (yet): the grant applies once it reports one"),
                    );
                }
            }
        }
    }
    if problems.has_errors() {
        return Err(Refusal::Invalid(problems.sorted()));
    }

    // (Servers keep their names in it: renames pair them.)
    let translated = translate(&current.document, &continues);
    let changes = diff::changes(&translated, &desired, &secrets_changed);
    // What the export will say: no rename hints, each secret under its own reference.
    let mut target = desired.clone();
    for s in &mut target.mcp_servers {
        s.renamed_from = None;
        s.auth_header = s
            .auth_header
            .as_ref()
            .map(|_| format!("${{{}}}", config::auth_header_variable(&s.name)));
    }
    let target_text = yaml::to_string(&target).map_err(|e| Refusal::Db(sqlx::Error::Protocol(e.to_string())))?;
    Ok(Plan {
        base_state: state_id(&current_text),
        current,
        current_text,
        desired,
        target_text,
        changes,
        warnings: problems.sorted(),
        secrets: plain,
        continues,
        translated,
    })
}

/// `old` with the server names its grants and allow-lists use mapped to the names the
/// document gives those servers: after a swap, a grant on the row once called `a` is a
/// grant on what the document calls `b`.
fn translate(old: &Document, continues: &HashMap<String, String>) -> Document {
    let rename = |name: &String| continues.get(name).cloned().unwrap_or_else(|| name.clone());
    let mut out = old.clone();
    for o in &mut out.organizations {
        if let Some(names) = &mut o.allowed_mcp_servers {
            *names = names.iter().map(rename).collect();
            names.sort();
        }
    }
    for u in &mut out.users {
        u.permissions = u.permissions.iter().map(|(s, t)| (rename(s), t.clone())).collect();
    }
    out
}

/// Current server name → its name in `new` (itself, or the name it is renamed to).
fn continuation(old: &Document, new: &Document) -> HashMap<String, String> {
    let renames = diff::renames(old, new);
    let claimed: HashSet<&str> = renames.values().map(String::as_str).collect();
    let names: HashSet<&str> = new.mcp_servers.iter().map(|s| s.name.as_str()).collect();
    let mut out: HashMap<String, String> = renames.iter().map(|(n, o)| (o.clone(), n.clone())).collect();
    for s in &old.mcp_servers {
        if !claimed.contains(s.name.as_str()) && names.contains(s.name.as_str()) && !out.contains_key(&s.name) {
            out.insert(s.name.clone(), s.name.clone());
        }
    }
    // A kept name whose row a rename continues is a new server: drop the self-pairing.
    out.retain(|old, new| old != new || !renames.contains_key(new));
    out
}

/// Who applies, how, and why.
pub struct Author<'a> {
    pub actor: Actor,
    pub admin_id: Uuid,
    pub label: &'a str,
    pub source: SnapshotSource,
    pub message: Option<&'a str>,
    pub rolled_back_to: Option<Uuid>,
}

/// Writes the plan on `conn` (inside the caller's transaction, after [`lock`]) and
/// stores the snapshot. Returns `None` when nothing changed and the state is what the
/// last snapshot says (nothing worth a snapshot), unless it is a rollback.
pub async fn execute(
    conn: &mut PgConnection,
    sealer: &Sealer,
    plan: &Plan,
    author: &Author<'_>,
    meta: &ClientMeta,
) -> sqlx::Result<Option<SnapshotSummary>> {
    let latest = config_snapshots::latest(&mut *conn).await?;
    let rollback = author.rolled_back_to.is_some();
    if !rollback && plan.changes.is_empty() && latest.as_ref().is_some_and(|s| s.summary.state == plan.base_state) {
        return Ok(None);
    }
    let cur = &plan.current;
    let old = &cur.document;
    let new = &plan.desired;
    let mut audit_entries: Vec<Entry<'static>> = Vec::new();
    let entry = |kind: &'static str, action: ChangeAction, id: Uuid, change: &Change| Entry {
        actor: author.actor.clone(),
        action: match (kind, action) {
            ("organization", ChangeAction::Created) => "organization.created",
            ("organization", ChangeAction::Updated) => "organization.updated",
            ("organization", ChangeAction::Deleted) => "organization.deleted",
            ("mcp_server", ChangeAction::Created) => "mcp_server.created",
            ("mcp_server", ChangeAction::Updated) => "mcp_server.updated",
            ("mcp_server", ChangeAction::Deleted) => "mcp_server.deleted",
            ("hub_user", ChangeAction::Created) => "hub_user.created",
            ("hub_user", ChangeAction::Updated) => "hub_user.updated",
            _ => "hub_user.deleted",
        },
        resource_type: kind,
        resource_id: Some(id.to_string()),
        details: json!({
            "via": "config", "source": author.source, "key": change.key,
            "renamed_from": change.renamed_from, "changes": change.fields,
        }),
    };
    let changed = |kind: EntityKind, key: &str| plan.changes.iter().find(|c| c.kind == kind && c.key == key);

    // 1. Users that go, then servers that go (their grants and allow-list rows cascade).
    let new_users: HashSet<(String, String)> = new
        .users
        .iter()
        .map(|u| (u.organization.clone(), u.email.clone()))
        .collect();
    let mut gone = Vec::new();
    for u in &old.users {
        let key = (u.organization.clone(), u.email.clone());
        if !new_users.contains(&key)
            && let Some(&id) = cur.users.get(&key)
        {
            gone.push(id);
            if let Some(c) = changed(EntityKind::User, &diff::user_key(&u.organization, &u.email)) {
                audit_entries.push(entry("hub_user", ChangeAction::Deleted, id, c));
            }
        }
    }
    sqlx::query!("DELETE FROM hub_users WHERE id = ANY($1)", &gone)
        .execute(&mut *conn)
        .await?;
    let mut gone = Vec::new();
    for s in &old.mcp_servers {
        if !plan.continues.contains_key(&s.name)
            && let Some(&id) = cur.servers.get(&s.name)
        {
            gone.push(id);
            if let Some(c) = changed(EntityKind::McpServer, &s.name) {
                audit_entries.push(entry("mcp_server", ChangeAction::Deleted, id, c));
            }
        }
    }
    sqlx::query!("DELETE FROM mcp_servers WHERE id = ANY($1)", &gone)
        .execute(&mut *conn)
        .await?;

    // 2. Renamed servers step aside under names no document can hold, so a rename onto
    //    a name another rename frees (a swap) never meets itself.
    let renamed: Vec<Uuid> = plan
        .continues
        .iter()
        .filter(|(o, n)| o != n)
        .filter_map(|(o, _)| cur.servers.get(o).copied())
        .collect();
    sqlx::query!(
        "UPDATE mcp_servers SET name = 'renaming.' || replace(id::text, '-', '') WHERE id = ANY($1)",
        &renamed
    )
    .execute(&mut *conn)
    .await?;

    // 3. Organizations, created or changed (allow-lists once the servers exist).
    let mut org_ids = cur.orgs.clone();
    let old_orgs: HashMap<&str, _> = plan
        .translated
        .organizations
        .iter()
        .map(|o| (o.slug.as_str(), o))
        .collect();
    let mut allow_lists = Vec::new();
    for o in &new.organizations {
        let fields = orgs::Fields {
            name: o.name.clone(),
            slug: o.slug.clone(),
            plan: o.plan,
            settings: OrgSettings {
                monthly_budget_cents: o.monthly_budget_cents,
                rate_limit_per_minute: o.rate_limit_per_minute,
                allowed_mcp_servers: o.allowed_mcp_servers.as_ref().map(|_| Vec::new()),
            },
        };
        let before = old_orgs.get(o.slug.as_str());
        if before.is_some_and(|b| *b == o) {
            continue;
        }
        let id = match org_ids.get(&o.slug) {
            Some(&id) => {
                orgs::update(conn, id, &fields).await.map_err(org_error)?;
                id
            }
            None => {
                let id = Uuid::now_v7();
                orgs::insert(conn, id, &fields).await.map_err(org_error)?;
                org_ids.insert(o.slug.clone(), id);
                id
            }
        };
        if let Some(c) = changed(EntityKind::Organization, &o.slug) {
            audit_entries.push(entry("organization", c.action, id, c));
        }
        allow_lists.push((id, o.allowed_mcp_servers.clone()));
    }

    // 4. Servers, created or changed; tool decisions.
    let mut server_ids: HashMap<String, Uuid> = HashMap::new();
    for (o, n) in &plan.continues {
        if let Some(&id) = cur.servers.get(o) {
            server_ids.insert(n.clone(), id);
        }
    }
    let old_servers: HashMap<&str, &McpServer> = old.mcp_servers.iter().map(|s| (s.name.as_str(), s)).collect();
    let by_new: HashMap<&str, &str> = plan.continues.iter().map(|(o, n)| (n.as_str(), o.as_str())).collect();
    for s in &new.mcp_servers {
        let before = by_new.get(s.name.as_str()).and_then(|o| old_servers.get(o)).copied();
        let value = plan.secrets.get(&s.name).cloned().flatten();
        let owner = s.organization.as_ref().and_then(|slug| org_ids.get(slug).copied());
        let fields = check::server_fields(s, owner);
        let change = changed(EntityKind::McpServer, &s.name);
        let id = match (before, server_ids.get(&s.name).copied()) {
            (Some(b), Some(id)) => {
                if change.is_none() {
                    continue;
                }
                let current_value = cur.sealed.get(&b.name).and_then(|x| sealer.open(x));
                let secret = match &value {
                    None => mcp_servers::Secret::Clear,
                    Some(v) if current_value.as_deref() == Some(v.as_bytes()) => mcp_servers::Secret::Keep,
                    Some(v) => mcp_servers::Secret::Set(sealer.seal(v.as_bytes())),
                };
                let recheck = s.url != b.url
                    || s.command != b.command
                    || s.args != b.args
                    || s.transport != b.transport
                    || !matches!(secret, mcp_servers::Secret::Keep)
                    || s.auth_header_name != b.auth_header_name
                    || s.timeout_ms != b.timeout_ms
                    || (s.enabled && !b.enabled);
                mcp_servers::update(conn, id, &fields, &secret, recheck)
                    .await
                    .map_err(server_error)?;
                if let Some(owner) = fields.organization_id
                    && b.organization != s.organization
                {
                    hub_grants::drop_outside(conn, id, owner).await?;
                }
                if b.require_tool_approval && !s.require_tool_approval {
                    mcp_tools::approve_all_pending(conn, id, author.admin_id).await?;
                }
                for (tool, status) in &s.tools {
                    if b.tools.get(tool) != Some(status) {
                        mcp_tools::set_decision(conn, id, tool, *status).await?;
                        // What waited for a decision has one now.
                        sqlx::query!(
                            "UPDATE mcp_tool_changes SET status = $3, decided_by = $4, decided_at = now()
                             WHERE server_id = $1 AND tool_name = $2 AND status = 'pending' AND $3 <> 'pending'",
                            id,
                            tool,
                            status.as_str(),
                            author.admin_id
                        )
                        .execute(&mut *conn)
                        .await?;
                    }
                }
                id
            }
            _ => {
                let id = Uuid::now_v7();
                let sealed = value.as_ref().map(|v| sealer.seal(v.as_bytes()));
                mcp_servers::insert(conn, id, &fields, sealed.as_deref())
                    .await
                    .map_err(server_error)?;
                server_ids.insert(s.name.clone(), id);
                id
            }
        };
        if let Some(c) = change {
            audit_entries.push(entry("mcp_server", c.action, id, c));
        }
    }

    // 5. Allow-lists, now that every server they name exists.
    for (id, names) in allow_lists {
        let ids: Option<Vec<Uuid>> =
            names.map(|names| names.iter().filter_map(|n| server_ids.get(n).copied()).collect());
        orgs::set_allowed_servers(conn, id, ids.as_deref())
            .await
            .map_err(org_error)?;
    }

    // 6. Organizations that go: nothing refers to them any more.
    let keep: HashSet<&str> = new.organizations.iter().map(|o| o.slug.as_str()).collect();
    let mut gone = Vec::new();
    for o in &old.organizations {
        if !keep.contains(o.slug.as_str())
            && let Some(&id) = cur.orgs.get(&o.slug)
        {
            gone.push(id);
            if let Some(c) = changed(EntityKind::Organization, &o.slug) {
                audit_entries.push(entry("organization", ChangeAction::Deleted, id, c));
            }
        }
    }
    sqlx::query!("DELETE FROM organizations WHERE id = ANY($1)", &gone)
        .execute(&mut *conn)
        .await?;

    // 7. Users: changed ones let go of their external ids first (another may take one
    //    over), then are rewritten; new ones are inserted together; then grants.
    let old_users: HashMap<(&str, &str), _> = plan
        .translated
        .users
        .iter()
        .map(|u| ((u.organization.as_str(), u.email.as_str()), u))
        .collect();
    let mut updated = Vec::new();
    let mut created = Vec::new();
    let mut grants: Vec<(Uuid, Vec<Grant>)> = Vec::new();
    for u in &new.users {
        let key = (u.organization.clone(), u.email.clone());
        let Some(&org) = org_ids.get(&u.organization) else {
            continue;
        };
        let fields = hub_users::Fields {
            name: u.name.clone(),
            email: u.email.clone(),
            organization_id: org,
            role: u.role,
            external_ids: u.external_ids.clone(),
            enabled: u.enabled,
        };
        let before = old_users.get(&(u.organization.as_str(), u.email.as_str()));
        if before.is_some_and(|b| *b == u) {
            continue;
        }
        let grant_list: Vec<Grant> = u
            .permissions
            .iter()
            .filter_map(|(server, tools)| {
                Some(Grant {
                    server_id: *server_ids.get(server)?,
                    tools: tools.clone(),
                })
            })
            .collect();
        let change = changed(EntityKind::User, &diff::user_key(&u.organization, &u.email));
        match (before, cur.users.get(&key)) {
            (Some(b), Some(&id)) => {
                let fields_changed =
                    b.name != u.name || b.role != u.role || b.enabled != u.enabled || b.external_ids != u.external_ids;
                if fields_changed {
                    updated.push((id, fields));
                }
                if b.permissions != u.permissions {
                    grants.push((id, grant_list));
                }
                if let Some(c) = change {
                    audit_entries.push(entry("hub_user", c.action, id, c));
                }
            }
            _ => {
                let id = Uuid::now_v7();
                created.push((id, fields));
                if !grant_list.is_empty() {
                    grants.push((id, grant_list));
                }
                if let Some(c) = change {
                    audit_entries.push(entry("hub_user", c.action, id, c));
                }
            }
        }
    }
    let moving: Vec<Uuid> = updated.iter().map(|(id, _)| *id).collect();
    sqlx::query!("DELETE FROM hub_user_external_ids WHERE user_id = ANY($1)", &moving)
        .execute(&mut *conn)
        .await?;
    for (id, fields) in &updated {
        hub_users::update(conn, *id, fields).await.map_err(user_error)?;
    }
    if !created.is_empty() {
        hub_users::insert_many(conn, &created).await.map_err(user_error)?;
    }
    let fresh: HashSet<Uuid> = created.iter().map(|(id, _)| *id).collect();
    let (new_grants, changed_grants): (Vec<_>, Vec<_>) = grants.into_iter().partition(|(id, _)| fresh.contains(id));
    for (id, list) in &changed_grants {
        hub_grants::replace(conn, *id, list, Some(author.admin_id)).await?;
    }
    insert_grants(conn, &new_grants, author.admin_id).await?;

    // 8. Prices.
    if old.settings.model_prices != new.settings.model_prices {
        let mut errors = Default::default();
        let prices =
            routes::settings::model_prices::check_into(&new.settings.model_prices, "model_prices", &mut errors);
        usage::replace_model_prices(conn, &prices).await?;
        audit_entries.push(Entry {
            actor: author.actor.clone(),
            action: "settings.model_prices_changed",
            resource_type: "settings",
            resource_id: Some("model-prices".into()),
            details: json!({
                "via": "config", "source": author.source,
                "before": old.settings.model_prices, "after": new.settings.model_prices,
            }),
        });
    }

    // 9. The snapshot of what the hub now is, and the audit trail.
    let after = export::read(conn).await?;
    let text = yaml::to_string(&after.document).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let state = state_id(&text);
    // The change reviewed is the change made, or nothing is.
    if state != plan.target_state() {
        return Err(sqlx::Error::Protocol(format!(
            "the apply led to state {state}, not the {} its diff announced: rolled back",
            plan.target_state()
        )));
    }
    let mut secrets: Vec<(String, Vec<u8>)> = after
        .sealed
        .iter()
        .map(|(server, sealed)| (server.clone(), sealed.clone()))
        .collect();
    secrets.sort();
    let summary = ChangeSummary::of(&plan.changes);
    let snapshot = config_snapshots::insert(
        conn,
        &config_snapshots::NewSnapshot {
            actor_admin_id: Some(author.admin_id),
            actor_label: author.label,
            source: author.source,
            state: &state,
            summary,
            counts: counts(&after.document),
            message: author.message,
            rolled_back_to: author.rolled_back_to,
            document: &text,
            secrets: &secrets,
        },
    )
    .await?;
    audit_entries.push(Entry {
        actor: author.actor.clone(),
        action: if rollback {
            actions::CONFIG_ROLLED_BACK
        } else {
            actions::CONFIG_APPLIED
        },
        resource_type: "config",
        resource_id: Some(snapshot.id.to_string()),
        details: json!({
            "source": author.source, "from_state": plan.base_state, "state": state,
            "summary": summary, "message": author.message, "rolled_back_to": author.rolled_back_to,
        }),
    });
    audit::record_many(&mut *conn, &author.actor, &audit_entries, meta).await?;
    Ok(Some(snapshot))
}

/// Takes the apply's locks; the first statement of its transaction.
pub async fn lock(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query(LOCK).execute(conn).await?;
    Ok(())
}

/// Grants of new users, in one statement.
async fn insert_grants(conn: &mut PgConnection, grants: &[(Uuid, Vec<Grant>)], admin: Uuid) -> sqlx::Result<()> {
    let mut users = Vec::new();
    let mut servers = Vec::new();
    let mut tools = Vec::new();
    for (user, list) in grants {
        for g in list {
            users.push(*user);
            servers.push(g.server_id);
            tools.push(serde_json::to_string(&g.tools).unwrap_or_else(|_| "[]".into()));
        }
    }
    if users.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO hub_user_grants (user_id, server_id, tools, granted_by)
         SELECT given.user_id, given.server_id, ARRAY(SELECT jsonb_array_elements_text(given.tools::jsonb)), $4
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS given(user_id, server_id, tools)",
        &users,
        &servers,
        &tools,
        admin
    )
    .execute(conn)
    .await?;
    Ok(())
}

// The document was checked against itself and the table is locked: a write error here
// is a bug or a database fault, not bad input.
fn org_error(e: orgs::WriteError) -> sqlx::Error {
    match e {
        orgs::WriteError::Db(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

fn server_error(e: mcp_servers::WriteError) -> sqlx::Error {
    match e {
        mcp_servers::WriteError::Db(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

fn user_error(e: hub_users::WriteError) -> sqlx::Error {
    match e {
        hub_users::WriteError::Db(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// Whether a secret changed since a snapshot (the state id only sees references).
async fn secrets_drifted(
    conn: &mut PgConnection,
    sealer: &Sealer,
    snapshot: Uuid,
    current: &Current,
) -> sqlx::Result<bool> {
    let stored = config_snapshots::secrets(&mut *conn, snapshot).await?;
    Ok(current.sealed.iter().any(|(server, sealed)| {
        stored
            .iter()
            .find(|(n, _)| n == server)
            .is_some_and(|(_, before)| before != sealed && sealer.open(before) != sealer.open(sealed))
    }))
}

/// Three-way: what changed in the console since the last snapshot (the drift).
pub async fn console_changes(
    conn: &mut PgConnection,
    sealer: &Sealer,
    current: &Current,
    state: &str,
) -> sqlx::Result<Vec<Change>> {
    let Some(latest) = config_snapshots::latest(&mut *conn).await? else {
        return Ok(Vec::new());
    };
    // Undrifted (the common case): nothing to read.
    if state == latest.summary.state && !secrets_drifted(conn, sealer, latest.summary.id, current).await? {
        return Ok(Vec::new());
    }
    let Ok(parsed) = parse::parse(&latest.document) else {
        return Ok(Vec::new());
    };
    let stored = config_snapshots::secrets(&mut *conn, latest.summary.id).await?;
    let mut changed = HashSet::new();
    for (server, sealed) in &current.sealed {
        if let Some((_, before)) = stored.iter().find(|(n, _)| n == server)
            && sealer.open(before) != sealer.open(sealed)
        {
            changed.insert(server.clone());
        }
    }
    Ok(diff::changes(&parsed.document, &current.document, &changed))
}
