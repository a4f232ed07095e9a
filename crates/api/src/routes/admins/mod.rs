//! `/api/v1/admins`: the console's admins and their roles (SPEC RBAC-1, RBAC-4).

pub mod create;
pub mod get;
pub mod list;
pub mod reset_mfa;
pub mod reset_password;
pub mod update;

use crate::error::FieldErrors;

/// Checks a role list from a request body: non-empty, no duplicates, sensible names.
/// Whether each role exists is for the database to say.
fn check_roles(roles: &[String], errors: &mut FieldErrors) -> Vec<String> {
    let mut names: Vec<String> = roles.iter().map(|r| r.trim().to_owned()).collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        errors
            .entry("roles".into())
            .or_default()
            .push("must name at least one role".into());
    }
    if names.len() > 20 || names.iter().any(|n| n.is_empty() || n.len() > 50) {
        errors
            .entry("roles".into())
            .or_default()
            .push("must be up to 20 role names".into());
    }
    names
}
