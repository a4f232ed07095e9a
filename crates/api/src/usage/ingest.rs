//! Ingesting a batch of usage events (SPEC ANA-1): each event is read, checked and
//! resolved on its own; the accepted ones go into the raw table and the rollups, the
//! refused ones into the dead letters, all in the caller's transaction.
//!
//! Locks are taken in one order by every batch (events by id, rollup rows by key, dead
//! letters by event id), so concurrent batches wait for each other but never deadlock.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use omni_types::usage::{CallStatus, EventOutcome, EventResult, IngestReport, RejectReason, UsageEvent, UserRef};
use serde::Deserialize;
use serde_json::value::RawValue;
use sqlx::PgConnection;
use uuid::Uuid;

use super::rollup;
use crate::db::usage as db;

/// How far ahead of our clock an event's time may be.
const FUTURE_SLACK: Duration = Duration::minutes(5);

/// One event as received: its JSON, and the dead letter it comes from when replayed.
pub struct Incoming<'a> {
    pub json: &'a RawValue,
    pub dead_letter: Option<Uuid>,
}

/// Settings an ingest runs with.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub now: DateTime<Utc>,
    pub retention_days: u32,
}

/// An event that passed every check: what the raw table and the rollups store.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub organization_id: Uuid,
    pub hub_user_id: Uuid,
    pub mcp_server_id: Uuid,
    pub tool: String,
    pub model: String,
    pub error_type: Option<String>,
    pub latency_ms: i32,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_tokens: i64,
    pub cost_micros: i64,
}

struct Rejection {
    reason: RejectReason,
    detail: String,
}

fn reject(reason: RejectReason, detail: impl Into<String>) -> Rejection {
    Rejection {
        reason,
        detail: detail.into(),
    }
}

/// Reads, checks, resolves and stores `events`; returns what became of each, in order.
pub async fn ingest(
    conn: &mut PgConnection,
    events: &[Incoming<'_>],
    limits: Limits,
    api_token: Option<Uuid>,
) -> sqlx::Result<IngestReport> {
    // 1. Read and check each event on its own.
    let mut parsed: Vec<Result<UsageEvent, Rejection>> = events
        .iter()
        .map(|e| {
            serde_json::from_str::<UsageEvent>(e.json.get())
                .map_err(|err| reject(RejectReason::Invalid, err.to_string()))
                .and_then(|event| check(&event, limits).map(|()| event))
        })
        .collect();

    // 2. Resolve what they name, with one query per kind of reference.
    let refs = resolve(conn, &parsed).await?;
    let prices = db::model_prices(&mut *conn).await?;
    let outcomes: Vec<Result<Accepted, Rejection>> = parsed
        .iter_mut()
        .map(|p| match p {
            Ok(event) => refs.accept(event, &prices),
            Err(r) => Err(reject(r.reason, std::mem::take(&mut r.detail))),
        })
        .collect();

    // 3. The first of several events with one id counts; the others are duplicates.
    let mut seen = HashSet::new();
    let mut in_batch_duplicate = vec![false; outcomes.len()];
    for (i, outcome) in outcomes.iter().enumerate() {
        if let Ok(a) = outcome
            && !seen.insert(a.id)
        {
            in_batch_duplicate[i] = true;
        }
    }

    // 4. Store: the new events (a resent one conflicts on its id and is a duplicate),
    //    then their rollups, then the dead letters.
    let mut candidates: Vec<&Accepted> = outcomes
        .iter()
        .zip(&in_batch_duplicate)
        .filter_map(|(o, dup)| o.as_ref().ok().filter(|_| !dup))
        .collect();
    candidates.sort_by_key(|a| a.id);
    let inserted: HashSet<Uuid> = db::insert_events(&mut *conn, &candidates).await?.into_iter().collect();
    let new: Vec<&Accepted> = candidates
        .iter()
        .copied()
        .filter(|a| inserted.contains(&a.id))
        .collect();

    // A refused event whose id was counted before (a resend after its organization was
    // suspended, say) is a duplicate: it is counted, whatever it would be refused for now.
    let refused_ids: Vec<Uuid> = outcomes
        .iter()
        .zip(events)
        .filter(|(o, _)| o.is_err())
        .filter_map(|(_, e)| event_id(e.json))
        .collect();
    let counted: HashSet<Uuid> = db::counted(&mut *conn, &refused_ids).await?.into_iter().collect();

    let mut results = Vec::with_capacity(events.len());
    let mut letters = Vec::new();
    let mut resolved_letters = Vec::new();
    let mut resolved_events = Vec::new();
    let (mut accepted, mut duplicates, mut rejected) = (0, 0, 0);
    for (index, ((incoming, outcome), dup)) in events.iter().zip(&outcomes).zip(in_batch_duplicate).enumerate() {
        let result = match outcome {
            Ok(a) => {
                let outcome = if !dup && inserted.contains(&a.id) {
                    accepted += 1;
                    EventOutcome::Accepted
                } else {
                    duplicates += 1;
                    EventOutcome::Duplicate
                };
                resolved_events.push(a.id);
                resolved_letters.extend(incoming.dead_letter);
                EventResult {
                    index,
                    id: Some(a.id),
                    outcome,
                    reason: None,
                    detail: None,
                }
            }
            Err(_) if event_id(incoming.json).is_some_and(|id| counted.contains(&id)) => {
                let id = event_id(incoming.json);
                duplicates += 1;
                resolved_events.extend(id);
                resolved_letters.extend(incoming.dead_letter);
                EventResult {
                    index,
                    id,
                    outcome: EventOutcome::Duplicate,
                    reason: None,
                    detail: None,
                }
            }
            Err(r) => {
                rejected += 1;
                let id = event_id(incoming.json);
                letters.push(db::Letter {
                    dead_letter: incoming.dead_letter,
                    event_id: id,
                    payload: incoming.json,
                    reason: r.reason,
                    detail: r.detail.clone(),
                });
                EventResult {
                    index,
                    id,
                    outcome: EventOutcome::Rejected,
                    reason: Some(r.reason),
                    detail: Some(r.detail.clone()),
                }
            }
        };
        results.push(result);
    }
    db::resolve_dead_letters(&mut *conn, &resolved_letters, &resolved_events).await?;
    db::store_dead_letters(&mut *conn, letters, api_token).await?;
    // Last: the rollup rows every concurrent batch touches are locked until COMMIT.
    rollup::apply(&mut *conn, &new).await?;
    crate::live::usage::notify(&mut *conn, &new).await?;
    Ok(IngestReport {
        accepted,
        duplicates,
        rejected,
        results,
    })
}

/// The id of an event that may not parse as a whole.
fn event_id(json: &RawValue) -> Option<Uuid> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: Uuid,
    }
    serde_json::from_str::<IdOnly>(json.get()).ok().map(|e| e.id)
}

/// Everything that can be checked without the database.
fn check(e: &UsageEvent, limits: Limits) -> Result<(), Rejection> {
    let invalid = |detail: &str| Err(reject(RejectReason::Invalid, detail));
    let name_ok = |s: &str, max: usize| !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control);
    if !name_ok(&e.organization, 254) {
        return invalid("organization: must be an id or a slug");
    }
    if !name_ok(&e.server, 254) {
        return invalid("server: must be an id or a name");
    }
    match &e.user {
        UserRef::Key(k) if !name_ok(k, 254) => return invalid("user: must be an id or an email"),
        UserRef::External { provider, external_id } if !name_ok(provider, 64) || !name_ok(external_id, 254) => {
            return invalid("user: provider and external_id must be 1 to 64 and 1 to 254 characters");
        }
        _ => {}
    }
    if !name_ok(&e.tool, 128) {
        return invalid("tool: must be 1 to 128 characters, without control characters");
    }
    match (e.status, &e.error_type) {
        (CallStatus::Error, None) => return invalid("error_type: is required when status is `error`"),
        (CallStatus::Ok, Some(_)) => return invalid("error_type: is only for status `error`"),
        (CallStatus::Error, Some(t)) if !error_type_ok(t) => {
            return invalid("error_type: must be 1 to 64 lowercase letters, digits, `_`, `.`, `-` or `:`");
        }
        _ => {}
    }
    if !(0..=86_400_000).contains(&e.latency_ms) {
        return invalid("latency_ms: must be between 0 and 86400000 (a day)");
    }
    for (field, n) in [
        ("input_tokens", e.input_tokens),
        ("output_tokens", e.output_tokens),
        ("cached_tokens", e.cached_tokens),
    ] {
        if !(0..=1_000_000_000).contains(&n) {
            return Err(reject(
                RejectReason::Invalid,
                format!("{field}: must be between 0 and 1000000000"),
            ));
        }
    }
    if let Some(m) = &e.model
        && !name_ok(m, 100)
    {
        return invalid("model: must be 1 to 100 characters, without control characters");
    }
    if let Some(c) = e.cost_usd
        && !(c.is_finite() && (0.0..=10_000.0).contains(&c))
    {
        return invalid("cost_usd: must be between 0 and 10000");
    }
    if e.time > limits.now + FUTURE_SLACK {
        return Err(reject(
            RejectReason::InFuture,
            format!(
                "time: {} is more than 5 minutes ahead of the server's clock",
                e.time.to_rfc3339()
            ),
        ));
    }
    if e.time < limits.now - Duration::days(limits.retention_days.into()) {
        return Err(reject(
            RejectReason::TooOld,
            format!(
                "time: older than the {}-day retention of raw events",
                limits.retention_days
            ),
        ));
    }
    Ok(())
}

fn error_type_ok(t: &str) -> bool {
    (1..=64).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-:".contains(&b))
}

/// What the batch's references resolved to.
#[derive(Default)]
struct Refs {
    orgs: HashMap<String, db::OrgFacts>,
    servers: HashMap<String, db::ServerFacts>,
    /// By id, by (organization, lowercase email), by (organization, provider, external id).
    users_by_id: HashMap<Uuid, Uuid>,
    users_by_email: HashMap<(Uuid, String), Uuid>,
    users_by_external: HashMap<(Uuid, String, String), Uuid>,
}

async fn resolve(conn: &mut PgConnection, parsed: &[Result<UsageEvent, Rejection>]) -> sqlx::Result<Refs> {
    let events = || parsed.iter().filter_map(|p| p.as_ref().ok());
    let (mut org_ids, mut org_slugs) = (Vec::new(), Vec::new());
    let (mut server_ids, mut server_names) = (Vec::new(), Vec::new());
    for e in events() {
        match e.organization.parse::<Uuid>() {
            Ok(id) => org_ids.push(id),
            Err(_) => org_slugs.push(e.organization.clone()),
        }
        match e.server.parse::<Uuid>() {
            Ok(id) => server_ids.push(id),
            Err(_) => server_names.push(e.server.to_lowercase()),
        }
    }
    dedup(&mut org_ids);
    dedup(&mut org_slugs);
    dedup(&mut server_ids);
    dedup(&mut server_names);
    let mut refs = Refs::default();
    for org in db::orgs(&mut *conn, &org_ids, &org_slugs).await? {
        refs.orgs.insert(org.id.to_string(), org.clone());
        refs.orgs.insert(org.slug.clone(), org);
    }
    for server in db::servers(&mut *conn, &server_ids, &server_names).await? {
        refs.servers.insert(server.id.to_string(), server.clone());
        refs.servers.insert(server.name.clone(), server);
    }
    let (mut user_ids, mut emails, mut externals) = (Vec::new(), Vec::new(), Vec::new());
    for e in events() {
        let Some(org) = refs.orgs.get(&org_key(&e.organization)) else {
            continue;
        };
        match &e.user {
            UserRef::Key(k) => match k.parse::<Uuid>() {
                Ok(id) => user_ids.push(id),
                Err(_) => emails.push((org.id, k.to_lowercase())),
            },
            UserRef::External { provider, external_id } => {
                externals.push((org.id, provider.clone(), external_id.clone()));
            }
        }
    }
    dedup(&mut user_ids);
    dedup(&mut emails);
    dedup(&mut externals);
    for (id, org) in db::users_by_id(&mut *conn, &user_ids).await? {
        refs.users_by_id.insert(id, org);
    }
    for (id, org, email) in db::users_by_email(&mut *conn, &emails).await? {
        refs.users_by_email.insert((org, email), id);
    }
    for (id, org, provider, external) in db::users_by_external_id(&mut *conn, &externals).await? {
        refs.users_by_external.insert((org, provider, external), id);
    }
    Ok(refs)
}

/// How an organization reference is looked up: an id in its canonical form (any case,
/// braces or `urn:uuid:` are the same id), otherwise the slug as given.
fn org_key(reference: &str) -> String {
    reference
        .parse::<Uuid>()
        .map_or_else(|_| reference.to_owned(), |id| id.to_string())
}

/// How a server reference is looked up: an id in its canonical form, otherwise the name
/// without case.
fn server_key(reference: &str) -> String {
    reference
        .parse::<Uuid>()
        .map_or_else(|_| reference.to_lowercase(), |id| id.to_string())
}

fn dedup<T: Ord>(v: &mut Vec<T>) {
    v.sort_unstable();
    v.dedup();
}

impl Refs {
    fn accept(&self, e: &mut UsageEvent, prices: &HashMap<String, db::Price>) -> Result<Accepted, Rejection> {
        let org = self.orgs.get(&org_key(&e.organization)).ok_or_else(|| {
            reject(
                RejectReason::UnknownOrganization,
                format!("organization: no organization `{}`", e.organization),
            )
        })?;
        if org.suspended {
            return Err(reject(
                RejectReason::OrganizationSuspended,
                format!("organization `{}` is suspended", org.slug),
            ));
        }
        let user = match &e.user {
            UserRef::Key(k) => match k.parse::<Uuid>() {
                Ok(id) => self.users_by_id.get(&id).filter(|o| **o == org.id).map(|_| id),
                Err(_) => self.users_by_email.get(&(org.id, k.to_lowercase())).copied(),
            },
            UserRef::External { provider, external_id } => self
                .users_by_external
                .get(&(org.id, provider.clone(), external_id.clone()))
                .copied(),
        };
        let user = user.ok_or_else(|| {
            let who = match &e.user {
                UserRef::Key(k) => format!("`{k}`"),
                UserRef::External { provider, external_id } => format!("{provider} id `{external_id}`"),
            };
            reject(
                RejectReason::UnknownUser,
                format!("user: no user {who} in organization `{}`", org.slug),
            )
        })?;
        let key = server_key(&e.server);
        let server = self.servers.get(&key).ok_or_else(|| {
            reject(
                RejectReason::UnknownServer,
                format!("server: no MCP server `{}`", e.server),
            )
        })?;
        if server.organization_id.is_some_and(|owner| owner != org.id) {
            return Err(reject(
                RejectReason::ServerNotVisible,
                format!(
                    "server: `{}` belongs to another organization than `{}`",
                    server.name, org.slug
                ),
            ));
        }
        // Trimmed, as price lists' names are.
        let model = e.model.take().map(|m| m.trim().to_owned()).unwrap_or_default();
        let cost_micros = match e.cost_usd {
            Some(usd) => (usd * 1_000_000.0).round() as i64,
            None => prices
                .get(&model)
                .map_or(0, |p| p.cost_micros(e.input_tokens, e.output_tokens, e.cached_tokens)),
        };
        Ok(Accepted {
            id: e.id,
            occurred_at: e.time,
            organization_id: org.id,
            hub_user_id: user,
            mcp_server_id: server.id,
            tool: std::mem::take(&mut e.tool),
            model,
            error_type: e.error_type.take(),
            latency_ms: e.latency_ms as i32,
            input_tokens: e.input_tokens,
            output_tokens: e.output_tokens,
            cached_tokens: e.cached_tokens,
            cost_micros,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> UsageEvent {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::now_v7(), "time": Utc::now(), "organization": "acme", "user": "ada@acme.test",
            "server": "github", "tool": "search", "status": "ok", "latency_ms": 120,
        }))
        .unwrap()
    }

    fn limits() -> Limits {
        Limits {
            now: Utc::now(),
            retention_days: 90,
        }
    }

    fn reason(e: &UsageEvent) -> Option<RejectReason> {
        check(e, limits()).err().map(|r| r.reason)
    }

    #[test]
    fn checks_each_field() {
        assert_eq!(reason(&event()), None);
        type Change = fn(&mut UsageEvent);
        let cases: Vec<(Change, RejectReason)> = vec![
            (|e| e.tool.clear(), RejectReason::Invalid),
            (|e| e.tool = "a\u{0}b".into(), RejectReason::Invalid),
            (|e| e.status = CallStatus::Error, RejectReason::Invalid),
            (|e| e.error_type = Some("timeout".into()), RejectReason::Invalid),
            (
                |e| {
                    e.status = CallStatus::Error;
                    e.error_type = Some("Time Out".into());
                },
                RejectReason::Invalid,
            ),
            (|e| e.latency_ms = -1, RejectReason::Invalid),
            (|e| e.input_tokens = -5, RejectReason::Invalid),
            (|e| e.cost_usd = Some(f64::NAN), RejectReason::Invalid),
            (|e| e.cost_usd = Some(-0.01), RejectReason::Invalid),
            (|e| e.time = Utc::now() + Duration::minutes(10), RejectReason::InFuture),
            (|e| e.time = Utc::now() - Duration::days(91), RejectReason::TooOld),
        ];
        for (i, (change, expected)) in cases.into_iter().enumerate() {
            let mut e = event();
            change(&mut e);
            assert_eq!(reason(&e), Some(expected), "case {i}");
        }
        let mut e = event();
        e.status = CallStatus::Error;
        e.error_type = Some("upstream:timeout".into());
        assert_eq!(reason(&e), None);
    }

    #[test]
    fn unknown_fields_and_bad_types_are_invalid() {
        for bad in [
            r#"{"id": "x"}"#,
            r#"{"id": "0193a2b4-0000-7000-8000-000000000000", "time": "yesterday"}"#,
        ] {
            assert!(serde_json::from_str::<UsageEvent>(bad).is_err());
        }
        let raw: Box<RawValue> =
            serde_json::from_str(r#"{"id": "0193a2b4-0000-7000-8000-000000000000", "extra": 1}"#).unwrap();
        assert!(event_id(&raw).is_some());
    }
}
