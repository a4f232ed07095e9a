//! `/api/v1/organizations`: the tenants hub users belong to (SPEC ORG-1, ORG-3, ORG-4).

pub mod create;
pub mod delete;
pub mod get;
pub mod impact;
pub mod list;
pub mod status;
pub mod update;

use omni_types::orgs::{OrgSettings, Organization};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::orgs::{self, Fields, WriteError};
use crate::error::{ApiError, FieldErrors};

fn not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("No organization {id}."))
}

fn write_error(e: WriteError) -> ApiError {
    match e {
        WriteError::SlugTaken => ApiError::Conflict {
            field: "slug".into(),
            message: "an organization with this slug exists".into(),
        },
        WriteError::UnknownServer => ApiError::invalid(
            "settings.allowed_mcp_servers",
            "names an MCP server that no longer exists",
        ),
        WriteError::Db(e) => e.into(),
    }
}

/// An organization as the audit log shows it: its configuration and status, not counts.
fn audit_view(o: &Organization) -> Value {
    json!({
        "name": o.name, "slug": o.slug, "plan": o.plan, "status": o.status,
        "status_reason": o.status_reason, "settings": o.settings,
    })
}

/// Checks every field as given (create's body, or update's patch laid over the stored
/// organization), collecting all errors, and returns what to store. Allowed servers must
/// exist: that is the one check that reads the database.
pub async fn validate(
    conn: &mut sqlx::PgConnection,
    draft: Fields,
    errors: &mut FieldErrors,
) -> sqlx::Result<Option<Fields>> {
    if let Some(ids) = &draft.settings.allowed_mcp_servers
        && ids.len() <= MAX_ALLOWED_SERVERS
    {
        let unknown = orgs::unknown_servers(&mut *conn, ids).await?;
        if !unknown.is_empty() {
            let list: Vec<String> = unknown.iter().map(Uuid::to_string).collect();
            errors
                .entry("settings.allowed_mcp_servers".into())
                .or_default()
                .push(format!("name no MCP server: {}", list.join(", ")));
        }
    }
    let checked = check(draft, errors);
    Ok(checked.filter(|_| errors.is_empty()))
}

/// The most servers an organization's allow-list names.
pub const MAX_ALLOWED_SERVERS: usize = 1000;

/// Every check but the allowed servers' existence (the configuration document names them
/// and checks them itself): what to store, or `None` with the errors added.
pub fn check(draft: Fields, errors: &mut FieldErrors) -> Option<Fields> {
    let mut err = |field: &str, message: String| errors.entry(field.into()).or_default().push(message);
    let name = draft.name.trim().to_owned();
    if name.is_empty() {
        err("name", "is required".into());
    } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
        err(
            "name",
            "must be at most 200 characters, without control characters".into(),
        );
    }
    let slug = draft.slug.trim().to_owned();
    if let Err(m) = check_slug(&slug) {
        err("slug", m.into());
    }
    let OrgSettings {
        monthly_budget_cents,
        rate_limit_per_minute,
        allowed_mcp_servers,
    } = draft.settings;
    if monthly_budget_cents.is_some_and(|c| !(0..=100_000_000_000).contains(&c)) {
        err(
            "settings.monthly_budget_cents",
            "must be between 0 and 100000000000 (a billion dollars)".into(),
        );
    }
    if rate_limit_per_minute.is_some_and(|r| !(1..=1_000_000).contains(&r)) {
        err("settings.rate_limit_per_minute", "must be between 1 and 1000000".into());
    }
    let allowed = allowed_mcp_servers.map(|mut ids| {
        ids.sort();
        ids.dedup();
        ids
    });
    if allowed.as_ref().is_some_and(|ids| ids.len() > MAX_ALLOWED_SERVERS) {
        err(
            "settings.allowed_mcp_servers",
            format!("must list at most {MAX_ALLOWED_SERVERS} servers"),
        );
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Fields {
        name,
        slug,
        plan: draft.plan,
        settings: OrgSettings {
            monthly_budget_cents,
            rate_limit_per_minute,
            allowed_mcp_servers: allowed,
        },
    })
}

/// The `organization_id` a body names must exist (a field error otherwise); `None` is
/// fine (global, or unchanged).
pub async fn check_exists(
    db: impl sqlx::PgExecutor<'_>,
    id: Option<Uuid>,
    errors: &mut FieldErrors,
) -> sqlx::Result<()> {
    if let Some(id) = id
        && orgs::reference(db, id).await?.is_none()
    {
        errors
            .entry("organization_id".into())
            .or_default()
            .push("names no organization".into());
    }
    Ok(())
}

/// 1 to 63 lowercase letters, digits and `-`, not starting or ending with `-`.
pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() {
        return Err("is required");
    }
    let ok = slug.len() <= 63
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("must be 1 to 63 lowercase letters, digits or `-`, not starting or ending with `-`")
    }
}

#[cfg(test)]
mod tests {
    use super::check_slug;

    #[test]
    fn slugs() {
        assert!(check_slug("acme").is_ok());
        assert!(check_slug("acme-2").is_ok());
        for bad in ["", "-acme", "acme-", "Acme", "ac_me", &"a".repeat(64)] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
