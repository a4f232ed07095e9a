//! A small, real MCP server: a few tools over Streamable HTTP, built on the official SDK's
//! server side. `make run` registers it as demo data so a new install shows live health
//! and tools; the e2e tests register it in the browser.

use std::net::SocketAddr;
use std::sync::Arc;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;

/// Where the MCP endpoint is mounted.
pub const PATH: &str = "/mcp";

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct EchoArgs {
    /// The text to send back.
    pub text: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AddArgs {
    pub a: f64,
    pub b: f64,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct WordCountArgs {
    /// The text whose words, lines and characters are counted.
    pub text: String,
}

/// The demo server's tools.
#[derive(Debug, Clone, Default)]
pub struct Demo;

#[tool_router]
impl Demo {
    /// Send the text back unchanged.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    fn echo(&self, Parameters(EchoArgs { text }): Parameters<EchoArgs>) -> String {
        text
    }

    /// Add two numbers.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    fn add(&self, Parameters(AddArgs { a, b }): Parameters<AddArgs>) -> String {
        (a + b).to_string()
    }

    /// Count the words, lines and characters of a text.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    fn word_count(&self, Parameters(WordCountArgs { text }): Parameters<WordCountArgs>) -> String {
        serde_json::json!({
            "words": text.split_whitespace().count(),
            "lines": text.lines().count(),
            "characters": text.chars().count(),
        })
        .to_string()
    }

    /// The current time in UTC (RFC 3339).
    #[tool(annotations(read_only_hint = true))]
    fn utc_now(&self) -> String {
        chrono::Utc::now().to_rfc3339()
    }
}

#[tool_handler(
    name = "omni-demo-mcp",
    version = "0.1.0",
    instructions = "Demo tools for Omni Admin"
)]
impl ServerHandler for Demo {}

/// The MCP endpoint as an axum router (at [`PATH`]), and `/healthz` for process
/// supervisors (and the e2e runner) to wait on.
pub fn router() -> axum::Router {
    let service = StreamableHttpService::new(
        || Ok(Demo),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    axum::Router::new()
        .nest_service(PATH, service)
        .route("/healthz", axum::routing::get(|| async { "ok" }))
}

/// Serves the demo server on `listener` until the future is dropped.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router()).await
}

/// The URL of the MCP endpoint for a bound address.
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}{PATH}")
}
