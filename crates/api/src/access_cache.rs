//! The hub's hot path, answered from memory: `can-call` facts and API-token credentials.
//!
//! Every write that can change an answer NOTIFYs `omni_access` in its own transaction
//! (triggers, `migrations/…_access_notify.sql`), so each instance hears of it at COMMIT
//! on its LISTEN connection (`crate::listen`).
//! A notification bumps the instance's generation; the cache serves only data loaded at
//! the current generation while its LISTEN connection is up, and otherwise the callers
//! read the database as before. So a lost LISTEN connection, a reload in flight, or the
//! first moments after start cost speed, never correctness; a change reaches every
//! instance's answers within the notification's delivery time (well under a millisecond
//! on one host).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use omni_types::hub_users::HubRole;
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::api_tokens::Credential;
use crate::db::hub_grants::CallFacts;
use crate::hub_access::{Caller, Server, Tool};

/// The channel the triggers notify.
pub const CHANNEL: &str = "omni_access";

/// Credentials kept at most (a flood of distinct bad prefixes cannot grow it further).
const MAX_CREDENTIALS: usize = 10_000;

#[derive(Default)]
pub struct AccessCache {
    /// Bumped by every notification and every (re)connection of the listener.
    generation: AtomicU64,
    /// Whether the LISTEN connection is up (notifications are being heard).
    listening: AtomicBool,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    credentials: Mutex<HashMap<String, (u64, Option<Credential>)>>,
    /// When each API token's use was last written (`api_tokens.last_used_at`).
    touched: Mutex<HashMap<Uuid, Instant>>,
    reload: tokio::sync::Notify,
    /// The payload of the latest notification (the table that changed), for diagnostics.
    last_heard: Mutex<String>,
}

impl AccessCache {
    fn current_generation(&self) -> Option<u64> {
        self.listening
            .load(Ordering::Acquire)
            .then(|| self.generation.load(Ordering::Acquire))
    }

    /// How many changes (or reconnections) this instance has heard of.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Whether the LISTEN connection is up; while it is down nothing is served from memory.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// The payload of the latest notification heard.
    pub fn last_heard(&self) -> String {
        self.last_heard.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The snapshot, if it is current.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        let generation = self.current_generation()?;
        let snapshot = self.snapshot.read().ok()?.clone()?;
        (snapshot.generation == generation).then_some(snapshot)
    }

    /// The cached credential of a token prefix (`Some(None)`: known not to exist), if
    /// current.
    pub fn credential(&self, prefix: &str) -> Option<Option<Credential>> {
        let generation = self.current_generation()?;
        let cached = self.credentials.lock().ok()?;
        match cached.get(prefix) {
            Some((at, credential)) if *at == generation => Some(credential.clone()),
            _ => None,
        }
    }

    /// The generation to file a credential read from the database under: read before the
    /// query, so a change that lands meanwhile makes the entry stale at once.
    pub fn credential_generation(&self) -> Option<u64> {
        self.current_generation()
    }

    pub fn store_credential(&self, prefix: &str, generation: u64, credential: Option<Credential>) {
        if let Ok(mut cached) = self.credentials.lock() {
            if cached.len() >= MAX_CREDENTIALS {
                cached.clear();
            }
            cached.insert(prefix.to_owned(), (generation, credential));
        }
    }

    /// Whether a token's use should be written now: at most once a minute per token and
    /// instance (the UPDATE itself also skips rows touched within the minute).
    pub fn should_touch(&self, token: Uuid) -> bool {
        let Ok(mut touched) = self.touched.lock() else {
            return true;
        };
        let now = Instant::now();
        match touched.get(&token) {
            Some(at) if now.duration_since(*at) < Duration::from_secs(60) => false,
            _ => {
                if touched.len() >= MAX_CREDENTIALS {
                    touched.clear();
                }
                touched.insert(token, now);
                true
            }
        }
    }

    /// Something changed (or may have): what is cached is stale until reloaded.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.reload.notify_one();
    }

    /// The LISTEN connection is (back) up: whatever happened while it was down is
    /// unknown, so a new generation starts.
    pub fn connected(&self) {
        self.changed();
        self.listening.store(true, Ordering::Release);
    }

    /// The LISTEN connection is down: nothing is served from memory until it is back.
    pub fn lost(&self) {
        self.listening.store(false, Ordering::Release);
    }

    /// A notification on [`CHANNEL`] (not a heartbeat): the table that changed.
    pub fn heard(&self, payload: &str) {
        if let Ok(mut last) = self.last_heard.lock() {
            payload.clone_into(&mut last);
        }
        self.changed();
    }

    /// Reloads the snapshot after each change, until aborted.
    pub async fn reload_loop(self: Arc<Self>, db: PgPool) {
        loop {
            self.reload.notified().await;
            // Let a burst of changes (an import, a config apply) settle into one reload.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let generation = self.generation.load(Ordering::Acquire);
            match Snapshot::load(&db, generation).await {
                Ok(snapshot) => {
                    if let Ok(mut slot) = self.snapshot.write() {
                        *slot = Some(Arc::new(snapshot));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "access cache: reload failed; answering from the database");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    self.reload.notify_one();
                }
            }
        }
    }
}

struct UserFacts {
    caller: Caller,
    status_reason: Option<String>,
}

struct ServerFacts {
    name: String,
    enabled: bool,
    organization_id: Option<Uuid>,
}

/// Everything `can-call` looks at, as of one generation.
pub struct Snapshot {
    generation: u64,
    users: HashMap<Uuid, UserFacts>,
    servers: HashMap<Uuid, ServerFacts>,
    server_names: HashMap<String, Uuid>,
    allowed: HashSet<(Uuid, Uuid)>,
    grants: HashMap<(Uuid, Uuid), Vec<String>>,
    tools: HashMap<Uuid, HashMap<String, Tool>>,
}

impl Snapshot {
    /// Reads every table in one repeatable-read transaction: one consistent state.
    pub async fn load(db: &PgPool, generation: u64) -> sqlx::Result<Snapshot> {
        let mut tx = crate::db::read_snapshot(db).await?;
        let users = sqlx::query!(
            r#"SELECT u.id, u.enabled, u.role, u.organization_id, o.status = 'suspended' AS "suspended!",
                      o.servers_restricted, o.status_reason
               FROM hub_users u JOIN organizations o ON o.id = u.organization_id"#
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| {
            let caller = Caller {
                enabled: r.enabled,
                role: r.role.parse().unwrap_or(HubRole::Viewer),
                organization_id: r.organization_id,
                organization_suspended: r.suspended,
                servers_restricted: r.servers_restricted,
            };
            (
                r.id,
                UserFacts {
                    caller,
                    status_reason: r.status_reason,
                },
            )
        })
        .collect();
        let mut server_names = HashMap::new();
        let servers = sqlx::query!("SELECT id, name, enabled, organization_id FROM mcp_servers")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| {
                server_names.insert(r.name.to_lowercase(), r.id);
                let facts = ServerFacts {
                    name: r.name,
                    enabled: r.enabled,
                    organization_id: r.organization_id,
                };
                (r.id, facts)
            })
            .collect();
        let allowed = sqlx::query!("SELECT organization_id, server_id FROM organization_allowed_servers")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| (r.organization_id, r.server_id))
            .collect();
        let grants = sqlx::query!("SELECT user_id, server_id, tools FROM hub_user_grants")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| ((r.user_id, r.server_id), r.tools))
            .collect();
        let mut tools: HashMap<Uuid, HashMap<String, Tool>> = HashMap::new();
        for r in sqlx::query!(
            "SELECT server_id, name, status, annotations -> 'readOnlyHint' = 'true'::jsonb AS read_only FROM mcp_tools"
        )
        .fetch_all(&mut *tx)
        .await?
        {
            let tool = Tool {
                approved: r.status == "approved",
                read_only: r.read_only.unwrap_or(false),
            };
            tools.entry(r.server_id).or_default().insert(r.name, tool);
        }
        tx.commit().await?;
        Ok(Snapshot {
            generation,
            users,
            servers,
            server_names,
            allowed,
            grants,
            tools,
        })
    }

    /// Whether the user exists (to tell an unknown user from an unknown server).
    pub fn has_user(&self, user: Uuid) -> bool {
        self.users.contains_key(&user)
    }

    /// The same facts `db::hub_grants::call_facts` reads, from memory.
    pub fn call_facts(&self, user: Uuid, server: (Option<Uuid>, Option<&str>), tool: &str) -> Option<CallFacts> {
        let facts = self.users.get(&user)?;
        let server_id = match server {
            (Some(id), _) => id,
            (None, Some(name)) => *self.server_names.get(&name.to_lowercase())?,
            (None, None) => return None,
        };
        let s = self.servers.get(&server_id)?;
        Some(CallFacts {
            caller: facts.caller.clone(),
            status_reason: facts.status_reason.clone(),
            server_id,
            server_name: s.name.clone(),
            server: Server {
                enabled: s.enabled,
                organization_id: s.organization_id,
                allow_listed: self.allowed.contains(&(facts.caller.organization_id, server_id)),
                granted: self.grants.get(&(user, server_id)).cloned(),
            },
            tool: self.tools.get(&server_id).and_then(|t| t.get(tool)).copied(),
        })
    }
}

/// Writes that change no access fact (path prefixes).
const UNRELATED_WRITES: &[&str] = &[
    omni_types::paths::AUTH_LOGIN,
    omni_types::paths::AUTH_REFRESH,
    omni_types::paths::AUTH_LOGOUT,
    omni_types::paths::EVENTS,
    omni_types::paths::SETTINGS,
];

/// Read-your-writes on this instance: once a request that may have changed an answer
/// has succeeded (its transaction committed), the cache stops serving what it held,
/// without waiting for the notification. Other instances rely on the notification.
/// Sign-in and the hub's high-volume posts change no access fact and are left out (so
/// they cannot keep the cache reloading).
pub async fn after_writes(
    axum::extract::State(state): axum::extract::State<crate::app::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    let may_change = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    ) && path.starts_with(omni_types::paths::API_V1)
        && !UNRELATED_WRITES.iter().any(|p| path.starts_with(p))
        && !path.ends_with("/health-reports");
    let response = next.run(req).await;
    if may_change && response.status().is_success() {
        state.access.changed();
    }
    response
}
