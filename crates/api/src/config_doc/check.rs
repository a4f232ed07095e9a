//! The checks a read document must pass before it is diffed or applied: each entity's
//! fields by the same rules the console's forms follow (the routes' validators), and the
//! references between entities, all reported at once at their positions. What comes out
//! is the document as it would be stored (trimmed, sorted, normalised), so a diff
//! compares like with like.

use std::collections::{BTreeMap, HashMap};

use omni_types::config::{self, Document, McpServer, Organization, User};
use omni_types::orgs::OrgSettings;
use omni_types::usage::ModelPrice;
use uuid::Uuid;

use super::parse::{Parsed, Positions, Problems};
use crate::db;
use crate::error::FieldErrors;
use crate::routes::{hub_users, mcp_servers, orgs, settings};

/// Checks `parsed`, adding every problem; returns the normalised document when there was
/// no error.
pub fn check(parsed: &Parsed, problems: &mut Problems) -> Option<Document> {
    let doc = &parsed.document;
    let at = &parsed.positions;
    let mut out = Document {
        version: config::VERSION,
        settings: Default::default(),
        organizations: Vec::with_capacity(doc.organizations.len()),
        mcp_servers: Vec::with_capacity(doc.mcp_servers.len()),
        users: Vec::with_capacity(doc.users.len()),
    };

    let mut errors = FieldErrors::new();
    let prices = settings::model_prices::check_into(&doc.settings.model_prices, "settings.model_prices", &mut errors);
    report(problems, at, "", errors);
    // As stored: micro-dollars.
    let usd = |micros: i64| micros as f64 / 1_000_000.0;
    out.settings.model_prices = prices
        .into_iter()
        .map(|(model, p)| ModelPrice {
            model,
            input_usd_per_mtok: usd(p.input),
            output_usd_per_mtok: usd(p.output),
            cached_usd_per_mtok: usd(p.cached),
        })
        .collect();
    out.settings.model_prices.sort_by(|a, b| a.model.cmp(&b.model));

    let mut slugs = HashMap::new();
    for (i, o) in doc.organizations.iter().enumerate() {
        let path = format!("organizations[{i}]");
        let mut errors = FieldErrors::new();
        let draft = db::orgs::Fields {
            name: o.name.clone(),
            slug: o.slug.clone(),
            plan: o.plan,
            settings: OrgSettings {
                monthly_budget_cents: o.monthly_budget_cents,
                rate_limit_per_minute: o.rate_limit_per_minute,
                allowed_mcp_servers: o
                    .allowed_mcp_servers
                    .as_ref()
                    .map(|names| vec![Uuid::nil(); names.len()]),
            },
        };
        if o.allowed_mcp_servers
            .as_ref()
            .is_some_and(|n| n.len() > orgs::MAX_ALLOWED_SERVERS)
        {
            errors.insert(
                "allowed_mcp_servers".into(),
                vec![format!("must list at most {} servers", orgs::MAX_ALLOWED_SERVERS)],
            );
        }
        let checked = orgs::check(draft, &mut errors);
        let errors = errors
            .into_iter()
            .map(|(field, m)| (field.strip_prefix("settings.").unwrap_or(&field).to_owned(), m))
            .collect();
        report(problems, at, &path, errors);
        let Some(f) = checked else { continue };
        if let Some(first) = slugs.insert(f.slug.clone(), i) {
            problems.error(
                &format!("{path}.slug"),
                at.find(&format!("{path}.slug")),
                format!("`{}` is already the slug of organizations[{first}]", f.slug),
            );
        }
        let allowed_mcp_servers = o.allowed_mcp_servers.as_ref().map(|names| {
            let mut names: Vec<String> = names.iter().map(|n| n.trim().to_owned()).collect();
            names.sort();
            names.dedup();
            names
        });
        out.organizations.push(Organization {
            slug: f.slug,
            name: f.name,
            plan: f.plan,
            monthly_budget_cents: f.settings.monthly_budget_cents,
            rate_limit_per_minute: f.settings.rate_limit_per_minute,
            allowed_mcp_servers,
        });
    }

    let mut names = HashMap::new();
    let mut variables = HashMap::new();
    let mut renamed = HashMap::new();
    for (i, s) in doc.mcp_servers.iter().enumerate() {
        let path = format!("mcp_servers[{i}]");
        let mut errors = FieldErrors::new();
        let draft = server_fields(s, None);
        let checked = mcp_servers::validate(draft, &mut errors);
        report(problems, at, &path, errors);
        if let Some(secret) = &s.auth_header
            && !config::reference(secret).is_some_and(|name| name.starts_with(SECRET_PREFIX))
        {
            let field = format!("{path}.auth_header");
            problems.error(
                &field,
                at.find(&field),
                format!(
                    "must be a reference to an `{SECRET_PREFIX}` variable such as `${{{}}}`, never the secret itself",
                    config::auth_header_variable(&s.name)
                ),
            );
        }
        if let Some(slug) = &s.organization
            && !slugs.contains_key(slug.trim())
        {
            let field = format!("{path}.organization");
            problems.error(
                &field,
                at.find(&field),
                format!("names no organization of this document: `{slug}`"),
            );
        }
        let renamed_from = s
            .renamed_from
            .as_ref()
            .map(|n| n.trim().to_owned())
            .filter(|n| *n != s.name.trim());
        if let Some(old) = &renamed_from
            && let Some(first) = renamed.insert(old.clone(), i)
        {
            let field = format!("{path}.renamed_from");
            problems.error(
                &field,
                at.find(&field),
                format!("`{old}` is already renamed by mcp_servers[{first}]"),
            );
        }
        for tool in s.tools.keys() {
            if let Err(m) = check_tool(tool) {
                let field = format!("{path}.tools.{tool}");
                problems.error(&field, at.find(&field), m);
            }
        }
        let Some(f) = checked else { continue };
        // Each server's secret has its own variable: names differing only in `.`, `_`
        // or `-` would share one.
        if let Some(first) = variables.insert(config::auth_header_variable(&f.name), i)
            && !names.contains_key(&f.name)
        {
            let field = format!("{path}.name");
            problems.error(
                &field,
                at.find(&field),
                format!(
                    "`{}` differs from mcp_servers[{first}]'s name only in `.`, `_` or `-`: their secrets' variables would be the same",
                    f.name
                ),
            );
        }
        if let Some(first) = names.insert(f.name.clone(), i) {
            let field = format!("{path}.name");
            problems.error(
                &field,
                at.find(&field),
                format!("`{}` is already the name of mcp_servers[{first}]", f.name),
            );
        }
        out.mcp_servers.push(McpServer {
            renamed_from,
            auth_header: s.auth_header.clone(),
            organization: s.organization.as_ref().map(|o| o.trim().to_owned()),
            tools: s.tools.clone(),
            name: f.name,
            description: f.description,
            transport: f.transport,
            url: f.url,
            command: f.command,
            args: f.args,
            auth_header_name: Some(f.auth_header_name),
            timeout_ms: f.timeout_ms,
            degraded_threshold_ms: f.degraded_threshold_ms,
            check_interval_seconds: f.check_interval_seconds,
            tags: f.tags,
            enabled: f.enabled,
            require_tool_approval: f.require_tool_approval,
        });
    }
    for (i, o) in doc.organizations.iter().enumerate() {
        for (j, name) in o.allowed_mcp_servers.iter().flatten().enumerate() {
            if !names.contains_key(name.trim()) {
                let field = format!("organizations[{i}].allowed_mcp_servers[{j}]");
                problems.error(
                    &field,
                    at.find(&field),
                    format!("names no MCP server of this document: `{name}`"),
                );
            }
        }
    }
    let servers: HashMap<&str, &McpServer> = out.mcp_servers.iter().map(|s| (s.name.as_str(), s)).collect();

    let mut emails = HashMap::new();
    let mut external: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, u) in doc.users.iter().enumerate() {
        let path = format!("users[{i}]");
        let mut errors = FieldErrors::new();
        let draft = db::hub_users::Fields {
            name: u.name.clone(),
            email: u.email.clone(),
            organization_id: Uuid::nil(),
            role: u.role,
            external_ids: u.external_ids.clone(),
            enabled: u.enabled,
        };
        let checked = hub_users::validate(draft, &mut errors);
        report(problems, at, &path, errors);
        let org = u.organization.trim().to_owned();
        if !slugs.contains_key(&org) {
            let field = format!("{path}.organization");
            problems.error(
                &field,
                at.find(&field),
                format!("names no organization of this document: `{org}`"),
            );
        }
        let mut permissions = BTreeMap::new();
        for (server, tools) in &u.permissions {
            let field = format!("{path}.permissions.{server}");
            let Some(s) = servers.get(server.as_str()) else {
                problems.error(
                    &field,
                    at.find(&field),
                    format!("names no MCP server of this document: `{server}`"),
                );
                continue;
            };
            if let Some(owner) = &s.organization
                && *owner != org
            {
                problems.error(
                    &field,
                    at.find(&field),
                    format!("`{server}` belongs to organization `{owner}`: its tools are not for `{org}`'s users"),
                );
            }
            for (j, tool) in tools.iter().enumerate() {
                if tool != "*"
                    && let Err(m) = check_tool(tool)
                {
                    let item = format!("{field}[{j}]");
                    problems.error(&item, at.find(&item), m);
                }
            }
            let mut tools: Vec<String> = tools.iter().map(|t| t.trim().to_owned()).collect();
            tools.sort();
            tools.dedup();
            if tools.is_empty() {
                problems.error(&field, at.find(&field), "must list tools, or `*` for every tool");
            }
            if tools.len() > 1 && tools.iter().any(|t| t == "*") {
                problems.error(&field, at.find(&field), "`*` grants every tool: list it alone");
            }
            permissions.insert(server.clone(), tools);
        }
        let Some(f) = checked else { continue };
        if let Some(first) = emails.insert((org.clone(), f.email.clone()), i) {
            let field = format!("{path}.email");
            problems.error(
                &field,
                at.find(&field),
                format!("`{}` is already a user of `{org}` (users[{first}])", f.email),
            );
        }
        for (provider, id) in &f.external_ids {
            if let Some(first) = external.insert((org.clone(), provider.clone(), id.clone()), i) {
                let field = format!("{path}.external_ids.{provider}");
                problems.error(
                    &field,
                    at.find(&field),
                    format!("users[{first}] of `{org}` already has this `{provider}` id"),
                );
            }
        }
        out.users.push(User {
            email: f.email,
            organization: org,
            name: f.name,
            role: f.role,
            enabled: f.enabled,
            external_ids: f.external_ids,
            permissions,
        });
    }

    out.organizations.sort_by(|a, b| a.slug.cmp(&b.slug));
    out.mcp_servers.sort_by(|a, b| a.name.cmp(&b.name));
    out.users
        .sort_by(|a, b| (a.organization.as_str(), a.email.as_str()).cmp(&(b.organization.as_str(), b.email.as_str())));
    (!problems.has_errors()).then_some(out)
}

/// A document's server as the registry writes it (the owner resolved by the caller).
pub fn server_fields(s: &McpServer, organization_id: Option<Uuid>) -> db::mcp_servers::Fields {
    db::mcp_servers::Fields {
        name: s.name.clone(),
        description: s.description.clone(),
        transport: s.transport,
        url: s.url.clone(),
        command: s.command.clone(),
        args: s.args.clone(),
        auth_header_name: s.auth_header_name.clone().unwrap_or_else(|| "Authorization".into()),
        timeout_ms: s.timeout_ms,
        degraded_threshold_ms: s.degraded_threshold_ms,
        check_interval_seconds: s.check_interval_seconds,
        tags: s.tags.clone(),
        organization_id,
        enabled: s.enabled,
        require_tool_approval: s.require_tool_approval,
    }
}

/// The prefix of every secret reference: a document can't name other variables.
pub const SECRET_PREFIX: &str = "OMNI_SECRET_";

/// A tool name as MCP servers report them: 1 to 200 printable characters.
fn check_tool(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        Err("tool names are 1 to 200 printable characters")
    } else {
        Ok(())
    }
}

/// Adds a validator's field errors under `base`, each at its field's position.
fn report(problems: &mut Problems, at: &Positions, base: &str, errors: FieldErrors) {
    for (field, messages) in errors {
        let path = if base.is_empty() {
            field
        } else {
            format!("{base}.{field}")
        };
        for m in messages {
            problems.error(&path, at.find(&path), m);
        }
    }
}
