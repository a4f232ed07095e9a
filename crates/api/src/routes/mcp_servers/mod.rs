//! `/api/v1/mcp-servers`: the registry, health and tools of MCP servers (SPEC MCP-1..4).

pub mod create;
pub mod delete;
pub mod get;
pub mod health_check;
pub mod health_checks;
pub mod health_report;
pub mod impact;
pub mod list;
pub mod tool_changes;
pub mod tools;
pub mod update;

use omni_types::mcp::{McpServer, Transport};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::crypto::Sealer;
use crate::db::mcp_servers::Fields;
use crate::error::{ApiError, FieldErrors};

/// Headers a server's auth header may not be called: the MCP transport sets these.
const RESERVED_HEADERS: &[&str] = &[
    "accept",
    "content-type",
    "content-length",
    "host",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
    "transfer-encoding",
    "connection",
];

fn not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("No MCP server {id}."))
}

/// The prefix of the names servers have for a moment while a configuration apply renames
/// them (`config_doc::apply`); no server may be given one.
pub const RENAMING: &str = "renaming.";

/// A server as the audit log shows it: its configuration, never secrets or live health.
fn audit_view(s: &McpServer) -> Value {
    json!({
        "name": s.name, "description": s.description, "transport": s.transport, "url": s.url,
        "command": s.command, "args": s.args, "auth_header_name": s.auth_header_name,
        "auth_header_set": s.auth_header_set, "timeout_ms": s.timeout_ms,
        "degraded_threshold_ms": s.degraded_threshold_ms, "check_interval_seconds": s.check_interval_seconds,
        "tags": s.tags, "organization_id": s.organization.as_ref().map(|o| o.id), "enabled": s.enabled,
        "require_tool_approval": s.require_tool_approval,
    })
}

/// Checks every field of a server as given (create's body, or update's patch laid over
/// the stored server), collecting all errors, and returns what to store.
pub fn validate(draft: Fields, errors: &mut FieldErrors) -> Option<Fields> {
    let mut err = |field: &str, message: String| errors.entry(field.into()).or_default().push(message);
    let name = draft.name.trim().to_owned();
    if let Err(m) = check_name(&name) {
        err("name", m.into());
    }
    let description = draft.description.trim().to_owned();
    if description.chars().count() > 2000 || description.contains('\0') {
        err("description", "must be at most 2000 characters, without NUL".into());
    }
    let (url, command, args) = match draft.transport {
        Transport::StreamableHttp => {
            if draft.command.is_some() {
                err("command", "is only for `stdio` servers".into());
            }
            if !draft.args.is_empty() {
                err("args", "are only for `stdio` servers".into());
            }
            let url = match draft.url.as_deref().map(str::trim) {
                None | Some("") => {
                    err("url", "is required for a Streamable HTTP server".into());
                    None
                }
                Some(raw) => check_url(raw).map_err(|m| err("url", m)).ok(),
            };
            (url, None, Vec::new())
        }
        Transport::Stdio => {
            if draft.url.is_some() {
                err("url", "is only for `streamable_http` servers".into());
            }
            let command = match draft.command.as_deref().map(str::trim) {
                None | Some("") => {
                    err("command", "is required for a stdio server".into());
                    None
                }
                Some(c) if c.len() > 1024 || c.contains('\0') => {
                    err("command", "must be at most 1024 characters, without NUL".into());
                    None
                }
                Some(c) => Some(c.to_owned()),
            };
            if draft.args.len() > 64 || draft.args.iter().any(|a| a.len() > 1024 || a.contains('\0')) {
                err("args", "must be at most 64 arguments of up to 1024 characters".into());
            }
            (None, command, draft.args)
        }
    };
    let auth_header_name = draft.auth_header_name.trim().to_owned();
    if let Err(m) = check_header_name(&auth_header_name) {
        err("auth_header_name", m.into());
    }
    if !(100..=120_000).contains(&draft.timeout_ms) {
        err("timeout_ms", "must be between 100 and 120000".into());
    }
    if !(1..=120_000).contains(&draft.degraded_threshold_ms) {
        err("degraded_threshold_ms", "must be between 1 and 120000".into());
    } else if draft.degraded_threshold_ms >= draft.timeout_ms {
        err("degraded_threshold_ms", "must be below timeout_ms".into());
    }
    if !(10..=86_400).contains(&draft.check_interval_seconds) {
        err("check_interval_seconds", "must be between 10 and 86400".into());
    }
    let tags = check_tags(&draft.tags)
        .map_err(|m| err("tags", m.into()))
        .unwrap_or_default();
    if !errors.is_empty() {
        return None;
    }
    Some(Fields {
        name,
        description,
        transport: draft.transport,
        url,
        command,
        args,
        auth_header_name,
        timeout_ms: draft.timeout_ms,
        degraded_threshold_ms: draft.degraded_threshold_ms,
        check_interval_seconds: draft.check_interval_seconds,
        tags,
        organization_id: draft.organization_id,
        enabled: draft.enabled,
        require_tool_approval: draft.require_tool_approval,
    })
}

fn check_name(name: &str) -> Result<(), &'static str> {
    let ok = (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if name.is_empty() {
        Err("is required")
    } else if name.starts_with(RENAMING) {
        Err("must not start with `renaming.`: configuration applies use it while renaming")
    } else if ok {
        Ok(())
    } else {
        Err("must be up to 63 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit")
    }
}

/// An `http(s)` URL with a host, no credentials (they belong in the auth header) and no
/// fragment.
fn check_url(raw: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(raw).map_err(|e| format!("is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must use http or https, not `{}`", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials: use the auth header".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a #fragment".into());
    }
    // Cloud metadata services live on link-local addresses: never a place for MCP.
    let host = url.host_str().unwrap_or_default();
    let link_local = match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
    {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_link_local(),
        Ok(std::net::IpAddr::V6(ip)) => (ip.segments()[0] & 0xffc0) == 0xfe80,
        Err(_) => false,
    };
    if link_local {
        return Err("must not be a link-local address".into());
    }
    // What is stored is the normalised form, which percent-encoding can make longer.
    let normalised = url.to_string();
    if normalised.len() > 2048 {
        return Err("must be at most 2048 characters".into());
    }
    Ok(normalised)
}

fn check_header_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 100 {
        return Err("must be 1 to 100 characters");
    }
    if reqwest::header::HeaderName::try_from(name).is_err() {
        return Err("is not a valid HTTP header name");
    }
    if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err("is set by the MCP transport itself");
    }
    Ok(())
}

/// The auth header value of a request, sealed for storage; a bad one is a field error.
fn seal_header(sealer: &Sealer, value: &str, errors: &mut FieldErrors) -> Option<Vec<u8>> {
    match check_header_value(value) {
        Ok(()) => Some(sealer.seal(value.as_bytes())),
        Err(m) => {
            errors.entry("auth_header".into()).or_default().push(m.into());
            None
        }
    }
}

/// An auth header value: printable, at most 4096 characters.
pub(crate) fn check_header_value(value: &str) -> Result<(), &'static str> {
    if value.trim().is_empty() {
        return Err("must not be empty (send null to remove it)");
    }
    if value.len() > 4096 {
        return Err("must be at most 4096 characters");
    }
    if reqwest::header::HeaderValue::from_str(value).is_err() || value.chars().any(char::is_control) {
        return Err("must be printable text fit for an HTTP header");
    }
    Ok(())
}

/// Up to 20 tags of 1 to 40 lowercase characters; sorted, duplicates dropped.
fn check_tags(tags: &[String]) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = tags.iter().map(|t| t.trim().to_owned()).collect();
    out.sort();
    out.dedup();
    let valid = |t: &str| {
        (1..=40).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b":._-".contains(&b))
    };
    if out.len() > 20 || !out.iter().all(|t| valid(t)) {
        return Err("must be up to 20 tags of 1 to 40 lowercase letters, digits, `:`, `.`, `_` or `-`");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_names_and_headers() {
        assert_eq!(
            check_url("https://mcp.example.com/mcp").unwrap(),
            "https://mcp.example.com/mcp"
        );
        assert!(check_url("ftp://example.com").unwrap_err().contains("http or https"));
        assert!(check_url("not a url").is_err());
        assert!(
            check_url("https://user:pw@example.com/")
                .unwrap_err()
                .contains("credentials")
        );
        assert!(check_url("http://127.0.0.1:99999/").is_err(), "port out of range");
        assert!(
            check_url("http://169.254.169.254/latest/meta-data").is_err(),
            "metadata service"
        );
        assert!(
            check_url(&format!("http://h/{}a", "a ".repeat(700))).is_err(),
            "too long once encoded"
        );
        assert!(check_name("github-prod").is_ok());
        assert!(check_name("GitHub").is_err());
        assert!(check_name("-x").is_err());
        assert!(check_header_name("X-Api-Key").is_ok());
        assert!(check_header_name("Mcp-Session-Id").is_err());
        assert!(check_header_name("bad header").is_err());
        assert!(check_header_value("Bearer abc").is_ok());
        assert!(check_header_value("line\nbreak").is_err());
        assert_eq!(check_tags(&["b".into(), "a".into(), "a".into()]).unwrap(), ["a", "b"]);
        assert!(check_tags(&["Bad Tag".into()]).is_err());
    }
}
