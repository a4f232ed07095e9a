//! Real MCP servers for tests: the official SDK's server over Streamable HTTP on
//! 127.0.0.1:0, with knobs a test turns (tools, page size, delay, required auth header,
//! failure), and a plain HTTP endpoint that is not MCP at all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::model::{Implementation, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::json;

/// What the server does; shared with the test, which may change it between checks.
#[derive(Clone, Default)]
pub struct Knobs {
    pub tools: Arc<RwLock<Vec<Tool>>>,
    /// Tools per `tools/list` page (0: all in one).
    pub page_size: usize,
    /// Added before every HTTP answer.
    pub delay: Arc<RwLock<Duration>>,
    /// `(header, value)` the server demands; 401 otherwise.
    pub require: Option<(String, String)>,
    /// Answer every request 503.
    pub failing: Arc<AtomicBool>,
    /// Every value of the required header seen.
    pub seen_auth: Arc<Mutex<Vec<String>>>,
}

impl Knobs {
    pub fn with_tools(names: &[&str]) -> Self {
        let knobs = Knobs::default();
        *knobs.tools.write().unwrap() = names.iter().map(|n| tool(n, &format!("The {n} tool"))).collect();
        knobs
    }

    pub fn set_tools(&self, tools: Vec<Tool>) {
        *self.tools.write().unwrap() = tools;
    }

    pub fn set_delay(&self, delay: Duration) {
        *self.delay.write().unwrap() = delay;
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

pub fn tool(name: &str, description: &str) -> Tool {
    let schema = json!({ "type": "object", "properties": { "text": { "type": "string" } } });
    Tool::new(
        name.to_owned(),
        description.to_owned(),
        Arc::new(schema.as_object().unwrap().clone()),
    )
}

#[derive(Clone)]
struct Handler(Knobs);

impl ServerHandler for Handler {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("test-mcp", "9.9.9"))
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let all = self.0.tools.read().unwrap().clone();
        let size = if self.0.page_size == 0 {
            all.len().max(1)
        } else {
            self.0.page_size
        };
        let start: usize = match request.and_then(|r| r.cursor) {
            None => 0,
            Some(c) => c.parse().map_err(|_| ErrorData::invalid_params("bad cursor", None))?,
        };
        let start = start.min(all.len());
        let end = (start + size).min(all.len());
        let mut page = ListToolsResult::with_all_items(all[start..end].to_vec());
        page.next_cursor = (end < all.len()).then(|| end.to_string());
        Ok(page)
    }
}

async fn knobs_layer(knobs: Knobs, req: Request, next: Next) -> Response {
    let delay = *knobs.delay.read().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if knobs.failing.load(Ordering::SeqCst) {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "down for maintenance").into_response();
    }
    if let Some((name, value)) = &knobs.require {
        let got = req
            .headers()
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(got) = &got {
            knobs.seen_auth.lock().unwrap().push(got.clone());
        }
        if got.as_deref() != Some(value.as_str()) {
            return (axum::http::StatusCode::UNAUTHORIZED, "missing or wrong credentials").into_response();
        }
    }
    next.run(req).await
}

/// Serves an MCP server with these knobs; returns its endpoint URL.
pub async fn start(knobs: Knobs) -> String {
    let handler = Handler(knobs.clone());
    let service = StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let app = axum::Router::new()
        .nest_service("/mcp", service)
        .layer(middleware::from_fn(move |req, next| {
            knobs_layer(knobs.clone(), req, next)
        }));
    serve(app).await
}

/// A web page where an MCP server should be.
pub async fn start_not_mcp() -> String {
    let app = axum::Router::new().route(
        "/mcp",
        axum::routing::any(|| async { axum::response::Html("<html><body>Welcome</body></html>") }),
    );
    serve(app).await
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/mcp")
}

/// A URL where nothing listens (a port bound, then released).
pub async fn nothing_listening() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/mcp")
}
