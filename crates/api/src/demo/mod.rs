//! `omni-admin seed-demo`: demo data for a fresh install, so a new user sees live health
//! and tools, organizations and their users, and 30 days of usage at once. Idempotent:
//! what exists is left as it is.

pub mod usage;

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::audit::{self, Actor, Entry};
use crate::db::mcp_servers::{self, Fields, WriteError};
use crate::db::{hub_grants, hub_users as user_db, orgs as org_db};
use crate::http::client::ClientMeta;
use crate::routes::mcp_servers::validate;
use omni_types::hub_users::{Grant, HubRole};
use omni_types::mcp::Transport;
use omni_types::orgs::{OrgSettings, OrgStatus, Plan};

/// The name the demo MCP server is registered under.
pub const DEMO_SERVER: &str = "demo";

/// Registers the demo MCP server (`crates/demo-mcp`) at `mcp_url`, unless a server of that
/// name exists. Returns whether it was added.
pub async fn seed(pool: &PgPool, mcp_url: &str) -> anyhow::Result<bool> {
    // The same checks as the API's: a mistyped --mcp-url is refused here, not stored.
    let draft = Fields {
        name: DEMO_SERVER.into(),
        description: "The demo MCP server that comes with Omni Admin: echo, add, word_count, utc_now".into(),
        transport: Transport::StreamableHttp,
        url: Some(mcp_url.to_owned()),
        command: None,
        args: Vec::new(),
        auth_header_name: "Authorization".into(),
        timeout_ms: 5_000,
        degraded_threshold_ms: 1_000,
        check_interval_seconds: 30,
        tags: vec!["demo".into()],
        organization_id: None,
        enabled: true,
        require_tool_approval: false,
    };
    let mut errors = crate::error::FieldErrors::new();
    let Some(fields) = validate(draft, &mut errors) else {
        anyhow::bail!("the demo server cannot be registered: {errors:?}");
    };
    let id = Uuid::now_v7();
    let mut tx = pool.begin().await?;
    match mcp_servers::insert(&mut tx, id, &fields, None).await {
        Ok(()) => {}
        Err(WriteError::NameTaken) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    let entry = Entry {
        actor: Actor::System {
            label: "seed-demo".into(),
        },
        action: "mcp_server.created",
        resource_type: "mcp_server",
        resource_id: Some(id.to_string()),
        details: json!({ "after": { "name": fields.name, "url": fields.url, "tags": fields.tags } }),
    };
    audit::record(&mut *tx, entry, &ClientMeta::default()).await?;
    tx.commit().await?;
    Ok(true)
}

/// A demo tenant.
struct DemoOrg {
    name: &'static str,
    slug: &'static str,
    plan: Plan,
    budget_cents: Option<i64>,
    suspended_because: Option<&'static str>,
}

/// Demo tenants, one of them suspended.
const ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "Acme Robotics",
        slug: "acme",
        plan: Plan::Business,
        budget_cents: Some(250_000),
        suspended_because: None,
    },
    DemoOrg {
        name: "Globex",
        slug: "globex",
        plan: Plan::Enterprise,
        budget_cents: Some(1_000_000),
        suspended_because: None,
    },
    DemoOrg {
        name: "Initech",
        slug: "initech",
        plan: Plan::Free,
        budget_cents: None,
        suspended_because: Some("Trial ended: waiting for a signed order form"),
    },
];

/// Demo hub users: (name, organization slug, role, Slack id, tools of the demo server).
const USERS: &[(&str, &str, HubRole, &str, &[&str])] = &[
    ("Ada Lovelace", "acme", HubRole::Admin, "U01ADA", &["*"]),
    (
        "Grace Hopper",
        "acme",
        HubRole::Member,
        "U01GRACE",
        &["echo", "word_count"],
    ),
    ("Alan Turing", "acme", HubRole::Member, "U01ALAN", &["add"]),
    ("Edsger Dijkstra", "acme", HubRole::Viewer, "U01EDSGER", &["*"]),
    ("Barbara Liskov", "globex", HubRole::Admin, "U02BARBARA", &["*"]),
    (
        "Ken Thompson",
        "globex",
        HubRole::Member,
        "U02KEN",
        &["echo", "utc_now"],
    ),
    ("Margaret Hamilton", "globex", HubRole::Member, "U02MARGARET", &[]),
    ("Dennis Ritchie", "initech", HubRole::Member, "U03DENNIS", &["*"]),
];

/// Fills organizations and hub users (with grants on the demo server), unless there are
/// organizations already. Returns how many users it added.
pub async fn seed_tenants(pool: &PgPool) -> anyhow::Result<usize> {
    let mut tx = pool.begin().await?;
    let existing: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM organizations"#)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let demo = sqlx::query_scalar!("SELECT id FROM mcp_servers WHERE name = $1", DEMO_SERVER)
        .fetch_optional(&mut *tx)
        .await?;
    let mut org_ids = std::collections::HashMap::new();
    for org in ORGS {
        let id = Uuid::now_v7();
        let fields = org_db::Fields {
            name: org.name.into(),
            slug: org.slug.into(),
            plan: org.plan,
            settings: OrgSettings {
                monthly_budget_cents: org.budget_cents,
                rate_limit_per_minute: Some(600),
                allowed_mcp_servers: None,
            },
        };
        org_db::insert(&mut tx, id, &fields).await?;
        if let Some(reason) = org.suspended_because {
            org_db::set_status(&mut tx, id, OrgStatus::Suspended, reason, None).await?;
        }
        org_ids.insert(org.slug, id);
    }
    let users: Vec<(Uuid, user_db::Fields)> = USERS
        .iter()
        .map(|(name, org, role, slack, _)| {
            let first = name.split(' ').next().unwrap_or(name).to_lowercase();
            let fields = user_db::Fields {
                name: (*name).into(),
                email: format!("{first}@{org}.example"),
                organization_id: org_ids[org],
                role: *role,
                external_ids: [("slack".to_owned(), (*slack).to_owned())].into(),
                enabled: true,
            };
            (Uuid::now_v7(), fields)
        })
        .collect();
    user_db::insert_many(&mut tx, &users).await?;
    if let Some(server) = demo {
        for ((id, _), (.., tools)) in users.iter().zip(USERS) {
            if !tools.is_empty() {
                let grant = Grant {
                    server_id: server,
                    tools: tools.iter().map(|t| (*t).to_owned()).collect(),
                };
                hub_grants::replace(&mut tx, *id, &[grant], None).await?;
            }
        }
    }
    let entry = Entry {
        actor: Actor::System {
            label: "seed-demo".into(),
        },
        action: "hub_user.imported",
        resource_type: "hub_user",
        resource_id: None,
        details: json!({ "organizations": ORGS.iter().map(|o| o.slug).collect::<Vec<_>>(), "created": users.len() }),
    };
    audit::record(&mut *tx, entry, &ClientMeta::default()).await?;
    tx.commit().await?;
    Ok(users.len())
}
