//! `/api/v1/auth/mfa/*` and the sign-in code step (SPEC AUTH-4).

pub mod backup_codes;
pub mod confirm;
pub mod enrol;
pub mod login;

use anyhow::Context;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::mfa;
use crate::db;

/// Which kind of code passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Totp,
    BackupCode,
}

impl Passed {
    pub fn as_str(self) -> &'static str {
        match self {
            Passed::Totp => "totp",
            Passed::BackupCode => "backup_code",
        }
    }
}

/// Checks a code for an admin's MFA (enabled, or pending when `confirming`). A TOTP code
/// is good once: its time step is recorded and never accepted again. Backup codes are
/// tried when `allow_backup`, and are spent when they pass.
pub async fn check_code(
    tx: &mut PgConnection,
    state: &AppState,
    admin_id: Uuid,
    email: &str,
    code: &str,
    confirming: bool,
    allow_backup: bool,
) -> anyhow::Result<Option<Passed>> {
    let Some(row) = db::mfa::lock(tx, admin_id).await? else {
        return Ok(None);
    };
    if row.confirmed_at.is_some() == confirming {
        return Ok(None);
    }
    let secret = state
        .sealer
        .open(&row.secret_encrypted)
        .context("the TOTP secret does not decrypt with this key")?;
    let totp = mfa::totp(&secret, email)?;
    if let Some(step) = mfa::matching_step(&totp, code)
        && db::mfa::use_step(tx, admin_id, step as i64, confirming).await?
    {
        return Ok(Some(Passed::Totp));
    }
    if allow_backup
        && let Some(normalised) = mfa::normalise_backup_code(code)
        && db::mfa::use_backup_code(tx, admin_id, &state.sealer.code_hash(&normalised)).await?
    {
        return Ok(Some(Passed::BackupCode));
    }
    Ok(None)
}

/// What a code-gated backup-code issue is for.
pub struct Issue {
    /// Confirming a pending enrolment (true) or acting on an enabled MFA (false).
    pub confirming: bool,
    pub action: &'static str,
    pub wrong_code: &'static str,
}

/// Checks `code` (a TOTP code) under the attempt limits, then replaces the admin's backup
/// codes with ten new ones, audited as `issue.action`. Shared by enrolment confirmation
/// and regeneration.
pub async fn issue_backup_codes(
    state: &AppState,
    principal: &crate::auth::Principal,
    meta: &crate::http::client::ClientMeta,
    code: &str,
    issue: Issue,
) -> crate::error::ApiResult<Vec<String>> {
    use crate::db::audit::{self, Entry};
    let account = principal.email.to_lowercase();
    let mut tx = state.db.begin().await?;
    crate::auth::throttle::check(&mut tx, &account, meta.ip, state.config.login_attempts_per_minute).await??;
    let passed = check_code(
        &mut tx,
        state,
        principal.admin_id,
        &principal.email,
        code,
        issue.confirming,
        false,
    )
    .await?;
    crate::auth::throttle::record(&mut tx, &account, meta.ip, passed.is_some()).await?;
    if passed.is_none() {
        tx.commit().await?; // the failed attempt counts
        return Err(crate::error::ApiError::invalid("code", issue.wrong_code));
    }
    let codes = new_backup_codes(&mut tx, state, principal.admin_id).await?;
    let entry = Entry {
        actor: principal.into(),
        action: issue.action,
        resource_type: "admin",
        resource_id: Some(principal.admin_id.to_string()),
        details: serde_json::json!({ "backup_codes": codes.len() }),
    };
    audit::record(&mut *tx, entry, meta).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Replaces the admin's backup codes with ten new ones and returns them (shown once).
pub async fn new_backup_codes(tx: &mut PgConnection, state: &AppState, admin_id: Uuid) -> sqlx::Result<Vec<String>> {
    let codes = mfa::new_backup_codes();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| state.sealer.code_hash(c)).collect();
    db::mfa::replace_backup_codes(tx, admin_id, &hashes).await?;
    Ok(codes)
}
