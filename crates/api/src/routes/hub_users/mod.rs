//! `/api/v1/users`: hub users, their grants and what they may call (SPEC USER-1, USER-2,
//! USER-4).

pub mod create;
pub mod delete;
pub mod effective;
pub mod get;
pub mod import;
pub mod list;
pub mod permissions;
pub mod update;

use std::collections::BTreeMap;

use omni_types::hub_users::HubUser;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::hub_users::{Fields, WriteError};
use crate::error::{ApiError, FieldErrors};
use crate::validate;

fn not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("No hub user {id}."))
}

fn write_error(e: WriteError) -> ApiError {
    match e {
        WriteError::EmailTaken => ApiError::Conflict {
            field: "email".into(),
            message: "a user with this email exists in the organization".into(),
        },
        WriteError::ExternalIdTaken => ApiError::Conflict {
            field: "external_ids".into(),
            message: "another user of the organization has one of these external ids".into(),
        },
        WriteError::UnknownOrganization => ApiError::invalid("organization_id", "names no organization"),
        WriteError::Db(e) => e.into(),
    }
}

/// A user as the audit log shows it.
fn audit_view(u: &HubUser) -> Value {
    json!({
        "name": u.name, "email": u.email, "organization_id": u.organization.id, "role": u.role,
        "external_ids": u.external_ids, "enabled": u.enabled,
    })
}

/// Checks the fields that need no database, collecting every error under its field name
///. The organization's existence and the
/// uniqueness of email and external ids are checked by the caller.
pub fn validate(draft: Fields, errors: &mut FieldErrors) -> Option<Fields> {
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
    let email = validate::email(&draft.email).map_err(|m| err("email", m.into())).ok();
    let external_ids = check_external_ids(&draft.external_ids)
        .map_err(|m| err("external_ids", m))
        .ok();
    if !errors.is_empty() {
        return None;
    }
    Some(Fields {
        name,
        email: email?,
        organization_id: draft.organization_id,
        role: draft.role,
        external_ids: external_ids?,
        enabled: draft.enabled,
    })
}

/// Up to 10 providers (1 to 32 lowercase letters, digits, `_` or `-`), each with an id of
/// 1 to 200 printable characters; both trimmed.
pub fn check_external_ids(ids: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    if ids.len() > 10 {
        return Err("must be at most 10 providers".into());
    }
    let mut out = BTreeMap::new();
    for (provider, id) in ids {
        let provider = provider.trim().to_owned();
        let valid_provider = (1..=32).contains(&provider.len())
            && provider
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid_provider {
            return Err(format!(
                "provider `{provider}` must be 1 to 32 lowercase letters, digits, `_` or `-`"
            ));
        }
        let id = id.trim().to_owned();
        if id.is_empty() || id.chars().count() > 200 || id.chars().any(char::is_control) {
            return Err(format!("the `{provider}` id must be 1 to 200 printable characters"));
        }
        if out.insert(provider.clone(), id).is_some() {
            return Err(format!("provider `{provider}` is given twice"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids() {
        let ok = BTreeMap::from([(" slack ".to_owned(), " U024BE7LH ".to_owned())]);
        assert_eq!(
            check_external_ids(&ok).unwrap(),
            BTreeMap::from([("slack".to_owned(), "U024BE7LH".to_owned())])
        );
        let bad = BTreeMap::from([("Slack".to_owned(), "U1".to_owned())]);
        assert!(check_external_ids(&bad).is_err());
        let empty = BTreeMap::from([("slack".to_owned(), " ".to_owned())]);
        assert!(check_external_ids(&empty).is_err());
        let twice = BTreeMap::from([
            ("slack".to_owned(), "a".to_owned()),
            ("slack ".to_owned(), "b".to_owned()),
        ]);
        assert!(check_external_ids(&twice).unwrap_err().contains("twice"));
    }
}
