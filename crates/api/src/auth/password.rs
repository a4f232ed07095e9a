//! Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes, 1 lane).
//! Hashing runs on the blocking pool: it is deliberately slow.

use std::sync::OnceLock;

use anyhow::Context;
use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

use crate::error::FieldErrors;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

/// Passwords of 12+ characters that top the breached-password lists, lower-cased. Shorter
/// ones are refused by length already.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "1234567891011",
    "111111111111",
    "000000000000",
    "123123123123",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "qwertyuiopasdfghjkl",
    "qwertyuiop123",
    "qwerty123456",
    "qwertyqwerty",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "zaq12wsxcde3",
    "abcdefghijkl",
    "abc123abc123",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "welcome123456",
    "administrator",
    "administrator1",
    "changeme1234",
    "monkey123456",
    "football1234",
    "baseball1234",
    "superman1234",
    "starwars1234",
    "sunshine1234",
    "princess1234",
    "trustno11234",
    "dragon123456",
    "master123456",
    "whatever1234",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "correcthorsebatterystaple",
    "correct horse battery staple",
    "omniadmin1234",
];

/// Checks the password policy; the errors are for the field named `field`. With `email`,
/// a password containing the address or its local part is refused too.
pub fn check_policy(field: &str, password: &str) -> Result<(), FieldErrors> {
    check_policy_for(field, password, None)
}

pub fn check_policy_for(field: &str, password: &str, email: Option<&str>) -> Result<(), FieldErrors> {
    let mut messages = Vec::new();
    let chars = password.chars().count();
    let lower = password.to_lowercase();
    if chars < MIN_LENGTH {
        messages.push(format!("must be at least {MIN_LENGTH} characters"));
    }
    if chars > MAX_LENGTH {
        messages.push(format!("must be at most {MAX_LENGTH} characters"));
    }
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c)) {
        messages.push("is too common: choose something harder to guess".into());
    }
    if let Some(email) = email {
        let email = email.to_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        if lower.contains(&email) || (local.len() >= 4 && lower.contains(local)) {
            messages.push("must not contain your email address".into());
        }
    }
    if messages.is_empty() {
        Ok(())
    } else {
        Err(FieldErrors::from([(field.to_owned(), messages)]))
    }
}

/// Hashes a password into a PHC string.
pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .context("password hashing task")?
}

/// Verifies `password` against `phc`. With `phc = None` (unknown account) it verifies
/// against a fixed dummy hash, so both answers take the same time.
pub async fn verify(password: SecretString, phc: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash is not PHC: {e}"))?;
        let ok = Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        Ok(ok && known)
    })
    .await
    .context("password verification task")?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"no account has this password")
            .expect("argon2 hashes a constant")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let phc = hash("correct horse battery".to_owned().into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".to_owned().into(), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".to_owned().into(), Some(phc))
                .await
                .unwrap()
        );
        assert!(
            !verify("no account has this password".to_owned().into(), None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn policy() {
        assert!(check_policy("password", "short").is_err());
        assert!(check_policy("password", "long enough passphrase").is_ok());
        assert!(check_policy("password", "Password1234").is_err());
        assert!(check_policy("password", "aaaaaaaaaaaaaa").is_err());
        assert!(check_policy_for("password", "ada.lovelace-2026", Some("ada.lovelace@example.com")).is_err());
        assert!(check_policy_for("password", "quiet harbour lights", Some("ada@example.com")).is_ok());
    }
}
