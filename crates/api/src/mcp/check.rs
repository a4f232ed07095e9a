//! One health check: a real MCP session over Streamable HTTP (SPEC MCP-2), with the
//! official SDK's client: `initialize`, `notifications/initialized`, then `tools/list`
//! following its cursors, all within the server's timeout.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use omni_types::mcp::HealthStatus;
use reqwest::header::{HeaderName, HeaderValue};
use rmcp::ServiceExt;
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation, PaginatedRequestParams, ProtocolVersion, Tool};
use rmcp::service::{ClientInitializeError, RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::{
    HttpStatusError, StreamableHttpClientTransportConfig, StreamableHttpError,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// A server's `tools/list` pages beyond this are not read (a runaway cursor).
const MAX_TOOL_PAGES: usize = 100;
/// Longest error text kept (a server can answer anything).
const MAX_ERROR_CHARS: usize = 2000;

/// What to check and how patiently.
pub struct Target {
    pub url: String,
    /// Header name and its (secret) value.
    pub auth_header: Option<(String, SecretString)>,
    pub timeout: Duration,
    pub degraded_threshold: Duration,
}

/// What the check found.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: HealthStatus,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub protocol_version: Option<String>,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    /// The complete tool list, when `tools/list` succeeded.
    pub tools: Option<Vec<DiscoveredTool>>,
}

/// A tool as the server describes it, in the JSON shapes we store.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveredTool {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub input_schema: Value,
    pub output_schema: Option<Value>,
    pub annotations: Option<Value>,
}

impl From<Tool> for DiscoveredTool {
    /// What a server says is stored as it says it, within bounds PostgreSQL keeps: no NUL
    /// characters (text and jsonb refuse them) and names short enough for an index key.
    fn from(tool: Tool) -> Self {
        DiscoveredTool {
            name: clean(&tool.name, MAX_NAME_CHARS),
            title: tool.title.map(|t| clean(&t, MAX_TEXT_CHARS)),
            description: tool.description.map(|d| clean(&d, MAX_TEXT_CHARS)),
            input_schema: clean_json(Value::Object((*tool.input_schema).clone())),
            output_schema: tool.output_schema.map(|s| clean_json(Value::Object((*s).clone()))),
            annotations: tool
                .annotations
                .and_then(|a| serde_json::to_value(a).ok())
                .map(clean_json),
        }
    }
}

const MAX_NAME_CHARS: usize = 256;
const MAX_TEXT_CHARS: usize = 8000;

/// Without NUL characters, cut to `max` characters.
fn clean(text: &str, max: usize) -> String {
    text.chars().filter(|c| *c != '\0').take(max).collect()
}

fn clean_json(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(clean(&s, usize::MAX)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (clean(&k, usize::MAX), clean_json(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The HTTP client every check shares (connection pool, TLS config). No redirects: a
/// health check reports where the server is, it does not follow it elsewhere.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("omni-admin-health/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the reqwest client builds")
}

/// Runs one check. Never fails: every failure is an [`Outcome`] with its error text.
pub async fn run(http: &reqwest::Client, target: &Target) -> Outcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started + target.timeout);
    let secret = target.auth_header.as_ref().map(|(_, v)| v.expose_secret().to_owned());
    let redact = |text: String| redact(text, secret.as_deref());

    let transport = match transport(http, target) {
        Ok(t) => t,
        Err(why) => return Outcome::failed(HealthStatus::Down, started, redact(why)),
    };
    let hello = ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("omni-admin", env!("CARGO_PKG_VERSION")),
    )
    // The handshake the issue asks for: `initialize` exists up to this revision.
    .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE);
    let client = match tokio::time::timeout_at(deadline, hello.serve(transport)).await {
        Err(_) => {
            let why = format!("no answer to initialize within {} ms", target.timeout.as_millis());
            return Outcome::failed(HealthStatus::Down, started, why);
        }
        Ok(Err(e)) => {
            let (status, why) = classify(&e);
            return Outcome::failed(status, started, redact(why));
        }
        Ok(Ok(client)) => client,
    };
    let info = client.peer_info();
    let mut outcome = Outcome {
        status: HealthStatus::Up,
        latency_ms: 0,
        error: None,
        protocol_version: info.as_ref().map(|i| clean(i.protocol_version.as_str(), 64)),
        server_name: info
            .as_ref()
            .and_then(|i| i.server_info.as_ref().map(|s| clean(&s.name, 200))),
        server_version: info
            .as_ref()
            .and_then(|i| i.server_info.as_ref().map(|s| clean(&s.version, 200))),
        tools: None,
    };
    // A health check must see the server's answer, never a cached one.
    client
        .set_response_cache_config(rmcp::ClientCacheConfig::disabled())
        .await;
    match tokio::time::timeout_at(deadline, list_tools(&client)).await {
        Ok(Ok(tools)) => outcome.tools = Some(tools),
        Ok(Err(why)) => {
            outcome.status = HealthStatus::Degraded;
            outcome.error = Some(redact(without_bodies(&format!(
                "tools/list failed after initialize: {why}"
            ))));
        }
        Err(_) => {
            outcome.status = HealthStatus::Degraded;
            outcome.error = Some(format!(
                "tools/list did not finish within {} ms",
                target.timeout.as_millis()
            ));
        }
    }
    outcome.latency_ms = elapsed_ms(started);
    if outcome.status == HealthStatus::Up && started.elapsed() > target.degraded_threshold {
        outcome.status = HealthStatus::Degraded;
        outcome.error = Some(format!(
            "answered in {} ms, slower than its {} ms threshold",
            outcome.latency_ms,
            target.degraded_threshold.as_millis()
        ));
    }
    // Ends the session (DELETE with its id); a server slow to hang up does not hold us.
    let _ = tokio::time::timeout(Duration::from_secs(2), client.cancel()).await;
    outcome
}

fn transport(
    http: &reqwest::Client,
    target: &Target,
) -> Result<StreamableHttpClientTransport<reqwest::Client>, String> {
    let mut headers = HashMap::new();
    if let Some((name, value)) = &target.auth_header {
        let name = HeaderName::try_from(name.as_str()).map_err(|_| "the auth header name is not valid".to_owned())?;
        let mut value = HeaderValue::from_str(value.expose_secret())
            .map_err(|_| "the auth header value is not a valid header value".to_owned())?;
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    let config = StreamableHttpClientTransportConfig::with_uri(target.url.as_str())
        .custom_headers(headers)
        .reinit_on_expired_session(false);
    Ok(StreamableHttpClientTransport::with_client(http.clone(), config))
}

/// Every page of `tools/list`, refusing a cursor seen before (a server in a loop).
async fn list_tools(client: &RunningService<RoleClient, ClientConfig>) -> Result<Vec<DiscoveredTool>, String> {
    let mut tools = Vec::new();
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_TOOL_PAGES {
        let params = cursor
            .clone()
            .map(|c| PaginatedRequestParams::default().with_cursor(Some(c)));
        let page = client.list_tools(params).await.map_err(|e| e.to_string())?;
        tools.extend(page.tools.into_iter().map(DiscoveredTool::from));
        match page.next_cursor {
            None => return Ok(tools),
            Some(next) if !seen.insert(next.clone()) => {
                return Err(format!("the server repeated the cursor `{next}`"));
            }
            Some(next) => cursor = Some(next),
        }
    }
    Err(format!("more than {MAX_TOOL_PAGES} pages of tools"))
}

/// What an `initialize` failure means for the server's status, and the words for it.
fn classify(e: &ClientInitializeError) -> (HealthStatus, String) {
    if e.is_authorization_required() || e.auth_challenge().is_some() {
        return (
            HealthStatus::AuthRequired,
            format!("the server requires authorization: {e}"),
        );
    }
    if let ClientInitializeError::TransportError { error, .. } = e {
        match error.error.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            Some(StreamableHttpError::UnexpectedServerResponse(text))
                if text.starts_with("HTTP 401") || text.starts_with("HTTP 403") =>
            {
                return (
                    HealthStatus::AuthRequired,
                    format!("the server refused us: {}", without_bodies(text)),
                );
            }
            Some(StreamableHttpError::UnexpectedServerResponse(text)) if text.starts_with("HTTP ") => {
                return (
                    HealthStatus::Down,
                    format!("not an MCP endpoint: the server answered {}", without_bodies(text)),
                );
            }
            Some(StreamableHttpError::Client(inner)) => return (HealthStatus::Down, describe_reqwest(inner)),
            Some(StreamableHttpError::HttpStatus(HttpStatusError { status, .. })) => {
                return (HealthStatus::Down, format!("the server answered HTTP {status}"));
            }
            Some(StreamableHttpError::UnexpectedContentType(kind)) => {
                let kind = kind.as_deref().unwrap_or("no content type");
                return (
                    HealthStatus::Down,
                    format!("not an MCP endpoint: the answer to initialize was {kind}, not JSON or an event stream"),
                );
            }
            _ => {}
        }
    }
    (HealthStatus::Down, without_bodies(&format!("initialize failed: {e}")))
}

/// Error text without what the server sent back after its status line: a check must not
/// become a way to read other services' pages (`HTTP 404 Not Found: <body>`).
fn without_bodies(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text[i..].find("HTTP ") {
        let at = i + found;
        let digits = bytes
            .get(at + 5..at + 8)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        if digits && let Some(colon) = text[at..].find(": ") {
            return text[..at + colon].to_owned();
        }
        i = at + 5;
    }
    text.to_owned()
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut text = if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_timeout() {
        "timed out".to_owned()
    } else {
        "request failed".to_owned()
    };
    // The root cause (connection refused, DNS, TLS) is what an admin needs.
    let mut source = e.source();
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    if let Some(root) = last {
        text.push_str(": ");
        text.push_str(&root);
    }
    text
}

impl Outcome {
    /// `down` before any request was made (the check could not even be set up).
    pub fn down(error: String) -> Self {
        Outcome::failed(HealthStatus::Down, Instant::now(), error)
    }

    fn failed(status: HealthStatus, started: Instant, error: String) -> Self {
        Outcome {
            status,
            latency_ms: elapsed_ms(started),
            error: Some(error),
            protocol_version: None,
            server_name: None,
            server_version: None,
            tools: None,
        }
    }
}

fn elapsed_ms(started: Instant) -> i32 {
    i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX)
}

/// Error text is stored and shown: it must never carry the secret (a server may echo
/// our request back), and it is kept to a readable length.
fn redact(text: String, secret: Option<&str>) -> String {
    let mut text = text;
    if let Some(secret) = secret {
        // The whole value, and each long word of it (`Bearer <token>` echoed as the token).
        let words = secret.split_whitespace().filter(|w| w.len() >= 8);
        for part in std::iter::once(secret).chain(words) {
            if part.len() >= 4 {
                text = text.replace(part, "[redacted]");
            }
        }
    }
    let text = clean(&text, usize::MAX);
    if text.chars().count() > MAX_ERROR_CHARS {
        let mut cut: String = text.chars().take(MAX_ERROR_CHARS).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_never_carries_the_secret() {
        let text = redact(
            "401: got header Bearer s3cr3t-value".into(),
            Some("Bearer s3cr3t-value"),
        );
        assert_eq!(text, "401: got header [redacted]");
        let text = redact("token s3cr3t-value is wrong".into(), Some("Bearer s3cr3t-value"));
        assert_eq!(text, "token [redacted] is wrong");
        assert_eq!(redact("x".repeat(3000), None).chars().count(), MAX_ERROR_CHARS + 1);
        assert_eq!(redact("a\0b".into(), None), "ab");
    }

    #[test]
    fn bodies_of_other_services_are_not_kept() {
        assert_eq!(
            without_bodies("HTTP 404 Not Found: <html>secret page</html>"),
            "HTTP 404 Not Found"
        );
        assert_eq!(
            without_bodies("initialize failed: send: HTTP 500 Internal: stack trace"),
            "initialize failed: send: HTTP 500 Internal"
        );
        assert_eq!(
            without_bodies("could not connect: refused"),
            "could not connect: refused"
        );
    }
}
