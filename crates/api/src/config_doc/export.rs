//! The database's configuration as a [`Document`], read in one consistent snapshot.

use std::collections::{BTreeMap, HashMap};

use omni_types::config::{self, Document, McpServer, Organization, Settings, User};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

fn parse<T: std::str::FromStr>(text: &str, what: &str) -> sqlx::Result<T> {
    text.parse()
        .map_err(|_| sqlx::Error::Decode(format!("unexpected {what} in the database: {text:?}").into()))
}

/// Everything the document holds, as of one moment.
pub async fn load(db: &PgPool) -> sqlx::Result<Document> {
    let mut tx = crate::db::read_snapshot(db).await?;
    let current = read(&mut tx).await?;
    tx.commit().await?;
    Ok(current.document)
}

/// The database's configuration, with the ids and sealed secrets behind its keys.
pub struct Current {
    pub document: Document,
    /// By slug.
    pub orgs: HashMap<String, Uuid>,
    /// By name.
    pub servers: HashMap<String, Uuid>,
    /// By (organization slug, email).
    pub users: HashMap<(String, String), Uuid>,
    /// Sealed auth headers, by server name.
    pub sealed: HashMap<String, Vec<u8>>,
}

/// Reads the configuration on `conn` (the caller picks the isolation).
pub async fn read(conn: &mut PgConnection) -> sqlx::Result<Current> {
    let tx = conn;
    let mut model_prices = crate::db::usage::list_model_prices(&mut *tx).await?;
    // By bytes, whatever the database's collation.
    model_prices.sort_by(|a, b| a.model.cmp(&b.model));

    let servers = sqlx::query!(
        r#"SELECT id, name, description, transport, url, command, args, auth_header_name,
                  auth_header_sealed, timeout_ms, degraded_threshold_ms,
                  check_interval_seconds, tags, organization_id, enabled, require_tool_approval
           FROM mcp_servers"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let server_names: HashMap<Uuid, String> = servers.iter().map(|s| (s.id, s.name.clone())).collect();
    let mut sealed = HashMap::new();

    let orgs = sqlx::query!(
        "SELECT id, slug, name, plan, monthly_budget_cents, rate_limit_per_minute, servers_restricted FROM organizations"
    )
    .fetch_all(&mut *tx)
    .await?;
    let slugs: HashMap<Uuid, String> = orgs.iter().map(|o| (o.id, o.slug.clone())).collect();
    let mut allowed: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in sqlx::query!("SELECT organization_id, server_id FROM organization_allowed_servers")
        .fetch_all(&mut *tx)
        .await?
    {
        if let Some(name) = server_names.get(&r.server_id) {
            allowed.entry(r.organization_id).or_default().push(name.clone());
        }
    }
    let mut organizations = Vec::with_capacity(orgs.len());
    for o in orgs {
        let allowed_mcp_servers = o.servers_restricted.then(|| {
            let mut names = allowed.remove(&o.id).unwrap_or_default();
            names.sort();
            names
        });
        organizations.push(Organization {
            slug: o.slug,
            name: o.name,
            plan: parse(&o.plan, "plan")?,
            monthly_budget_cents: o.monthly_budget_cents,
            rate_limit_per_minute: o.rate_limit_per_minute,
            allowed_mcp_servers,
        });
    }
    organizations.sort_by(|a, b| a.slug.cmp(&b.slug));

    let mut tools: HashMap<Uuid, BTreeMap<String, omni_types::mcp::ToolStatus>> = HashMap::new();
    for t in sqlx::query!("SELECT server_id, name, status FROM mcp_tools")
        .fetch_all(&mut *tx)
        .await?
    {
        tools
            .entry(t.server_id)
            .or_default()
            .insert(t.name, parse(&t.status, "tool status")?);
    }
    let mut mcp_servers = Vec::with_capacity(servers.len());
    for s in servers {
        let mut tags = s.tags;
        tags.sort();
        let auth_header = s
            .auth_header_sealed
            .is_some()
            .then(|| format!("${{{}}}", config::auth_header_variable(&s.name)));
        if let Some(bytes) = s.auth_header_sealed {
            sealed.insert(s.name.clone(), bytes);
        }
        mcp_servers.push(McpServer {
            renamed_from: None,
            auth_header,
            organization: s.organization_id.and_then(|id| slugs.get(&id).cloned()),
            tools: tools.remove(&s.id).unwrap_or_default(),
            name: s.name,
            description: s.description,
            transport: parse(&s.transport, "transport")?,
            url: s.url,
            command: s.command,
            args: s.args,
            auth_header_name: Some(s.auth_header_name),
            timeout_ms: s.timeout_ms,
            degraded_threshold_ms: s.degraded_threshold_ms,
            check_interval_seconds: s.check_interval_seconds,
            tags,
            enabled: s.enabled,
            require_tool_approval: s.require_tool_approval,
        });
    }
    mcp_servers.sort_by(|a, b| a.name.cmp(&b.name));

    let mut external: HashMap<Uuid, BTreeMap<String, String>> = HashMap::new();
    for r in sqlx::query!("SELECT user_id, provider, external_id FROM hub_user_external_ids")
        .fetch_all(&mut *tx)
        .await?
    {
        external.entry(r.user_id).or_default().insert(r.provider, r.external_id);
    }
    let mut grants: HashMap<Uuid, BTreeMap<String, Vec<String>>> = HashMap::new();
    for r in sqlx::query!("SELECT user_id, server_id, tools FROM hub_user_grants")
        .fetch_all(&mut *tx)
        .await?
    {
        if let Some(name) = server_names.get(&r.server_id) {
            let mut tools = r.tools;
            tools.sort();
            grants.entry(r.user_id).or_default().insert(name.clone(), tools);
        }
    }
    let mut users = Vec::new();
    let mut user_ids = HashMap::new();
    for u in sqlx::query!("SELECT id, organization_id, name, email, role, enabled FROM hub_users")
        .fetch_all(&mut *tx)
        .await?
    {
        let organization = slugs.get(&u.organization_id).cloned().unwrap_or_default();
        user_ids.insert((organization.clone(), u.email.clone()), u.id);
        users.push(User {
            organization,
            external_ids: external.remove(&u.id).unwrap_or_default(),
            permissions: grants.remove(&u.id).unwrap_or_default(),
            email: u.email,
            name: u.name,
            role: parse(&u.role, "role")?,
            enabled: u.enabled,
        });
    }
    users.sort_by(|a, b| {
        (a.organization.as_str(), a.email.to_lowercase()).cmp(&(b.organization.as_str(), b.email.to_lowercase()))
    });
    Ok(Current {
        document: Document {
            version: config::VERSION,
            settings: Settings { model_prices },
            organizations,
            mcp_servers,
            users,
        },
        orgs: slugs.into_iter().map(|(id, slug)| (slug, id)).collect(),
        servers: server_names.into_iter().map(|(id, name)| (name, id)).collect(),
        users: user_ids,
        sealed,
    })
}
