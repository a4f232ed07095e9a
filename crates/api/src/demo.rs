//! `omni-admin seed-demo`: demo data for a fresh install, so a new user sees live health
//! and tools at once. Idempotent: what exists is left as it is.

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::audit::{self, Actor, Entry};
use crate::db::mcp_servers::{self, Fields, WriteError};
use crate::http::client::ClientMeta;
use crate::routes::mcp_servers::validate;
use omni_types::mcp::Transport;

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
        Err(WriteError::Db(e)) => return Err(e.into()),
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
