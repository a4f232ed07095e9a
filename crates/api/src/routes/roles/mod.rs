//! `/api/v1/roles` and `/api/v1/permissions`: built-in and custom roles and the permission
//! catalogue they draw from (SPEC RBAC-1, RBAC-2, RBAC-4).

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod permissions;
pub mod update;

use omni_types::Permission;

use crate::error::FieldErrors;

/// A role name: lower-case letters, digits, `-` and `_`, starting with a letter, 2 to 50.
fn check_name(raw: &str, errors: &mut FieldErrors) -> String {
    let name = raw.trim().to_owned();
    let valid = (2..=50).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        errors
            .entry("name".into())
            .or_default()
            .push("must be 2 to 50 lower-case letters, digits, `-` or `_`, starting with a letter".into());
    }
    name
}

fn check_description(raw: &str, errors: &mut FieldErrors) -> String {
    let description = raw.trim().to_owned();
    if description.chars().count() > 500 {
        errors
            .entry("description".into())
            .or_default()
            .push("must be at most 500 characters".into());
    }
    description
}

/// Permission names from the catalogue, sorted and deduplicated.
fn check_permissions(raw: &[String], errors: &mut FieldErrors) -> Vec<String> {
    let mut names = Vec::new();
    for name in raw {
        match name.trim().parse::<Permission>() {
            Ok(p) => names.push(p.as_str().to_owned()),
            Err(e) => errors.entry("permissions".into()).or_default().push(e.to_string()),
        }
    }
    names.sort();
    names.dedup();
    names
}
