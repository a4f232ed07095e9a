//! Typed configuration, read once at start from `OMNI_*` environment variables
//! (and `DATABASE_URL`). Every variable is documented in README.md and `.env.example`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

/// Where the process runs. Production refuses unsafe defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// The first owner, created on start when no admin exists yet (SPEC AUTH-7).
#[derive(Debug, Clone)]
pub struct BootstrapAdmin {
    pub email: String,
    pub password: SecretString,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub env: Environment,
    pub host: IpAddr,
    pub port: u16,
    pub database_url: SecretString,
    pub db_max_connections: u32,
    /// HMAC key for access tokens. `None` in development means "generate one per process".
    pub jwt_secret: Option<SecretString>,
    /// AES-256 key for secrets the server reads back (TOTP seeds). `None` in development
    /// means a fixed, publicly known development key.
    pub encryption_key: Option<[u8; 32]>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Send the refresh cookie with `Secure`. Browsers accept it on http://localhost too.
    pub cookie_secure: bool,
    /// Directory with the built SPA (`frontend/dist`).
    pub static_dir: PathBuf,
    pub body_limit_bytes: usize,
    /// Origins allowed by CORS. Empty (the default) means same-origin only.
    pub cors_origins: Vec<String>,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    pub login_attempts_per_minute: u32,
    pub bootstrap_admin: Option<BootstrapAdmin>,
    pub log_format: LogFormat,
    pub log_filter: String,
    /// Run the background MCP health checks on this instance (one instance at a time
    /// does, under an advisory lock).
    pub health_checks: bool,
    /// Checks the background job runs at once.
    pub health_concurrency: usize,
    /// Days raw usage events are kept (rollups are kept for good); also how old an
    /// ingested event may be.
    pub usage_retention_days: u32,
    /// Messages one WebSocket may have waiting before it is dropped as too slow.
    pub live_queue: usize,
    /// Events one live channel carries per second before a burst becomes one `resync`.
    pub live_burst_per_second: u32,
    /// Ingest transactions (event batches, replays) this instance runs at once; more
    /// batches wait their turn (`AppState::ingest_slots`).
    pub ingest_concurrency: usize,
}

/// The smallest JWT secret production accepts, in bytes.
pub const MIN_JWT_SECRET_LEN: usize = 32;

/// Everything wrong with the environment, reported together.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n  {}", .0.join("\n  "))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Reads configuration from `(name, value)` pairs; unset and empty mean the same.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .filter(|(k, v)| (k.starts_with("OMNI_") || k == "DATABASE_URL") && !v.trim().is_empty())
            .collect();
        let mut r = Reader {
            vars: &vars,
            errors: Vec::new(),
        };

        let env = match r.raw("OMNI_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                r.errors
                    .push(format!("OMNI_ENV: `{other}` is not `development` or `production`"));
                Environment::Development
            }
        };
        let production = env == Environment::Production;

        let database_url = match r.raw("DATABASE_URL") {
            Some(url) => SecretString::from(url),
            None => {
                r.errors
                    .push("DATABASE_URL: required (e.g. postgres://user@host:5432/omni_admin)".into());
                SecretString::from(String::new())
            }
        };

        let jwt_secret = r.raw("OMNI_JWT_SECRET").map(SecretString::from);
        match &jwt_secret {
            Some(secret) if weak_secret(secret.expose_secret()) && production => r.errors.push(format!(
                "OMNI_JWT_SECRET: too weak for production (need at least {MIN_JWT_SECRET_LEN} bytes, not a placeholder)"
            )),
            None if production => r.errors.push(
                "OMNI_JWT_SECRET: required in production (at least 32 random bytes, e.g. `openssl rand -base64 48`)"
                    .into(),
            ),
            _ => {}
        }

        let encryption_key = match r.raw("OMNI_ENCRYPTION_KEY") {
            Some(raw) => match decode_key(&raw) {
                Some(key) => Some(key),
                None => {
                    r.errors.push(
                        "OMNI_ENCRYPTION_KEY: must be 32 bytes, base64 or hex (e.g. `openssl rand -base64 32`)".into(),
                    );
                    None
                }
            },
            None if production => {
                r.errors
                    .push("OMNI_ENCRYPTION_KEY: required in production (`openssl rand -base64 32`)".into());
                None
            }
            None => None,
        };

        let bootstrap_admin = match (
            r.raw("OMNI_BOOTSTRAP_ADMIN_EMAIL"),
            r.raw("OMNI_BOOTSTRAP_ADMIN_PASSWORD"),
        ) {
            (Some(email), Some(password)) => Some(BootstrapAdmin {
                email,
                password: password.into(),
            }),
            (None, None) => None,
            _ => {
                r.errors
                    .push("OMNI_BOOTSTRAP_ADMIN_EMAIL and OMNI_BOOTSTRAP_ADMIN_PASSWORD: set both or neither".into());
                None
            }
        };

        let log_format = match r.raw("OMNI_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                r.errors
                    .push(format!("OMNI_LOG_FORMAT: `{other}` is not `json` or `pretty`"));
                LogFormat::Json
            }
        };

        let config = Config {
            env,
            host: r.parse("OMNI_HOST", IpAddr::from([127, 0, 0, 1])),
            port: r.parse("OMNI_PORT", 8080),
            database_url,
            db_max_connections: r.parse("OMNI_DB_MAX_CONNECTIONS", 10),
            jwt_secret,
            encryption_key,
            access_token_ttl: Duration::from_secs(r.parse("OMNI_ACCESS_TOKEN_TTL_SECONDS", 15 * 60)),
            refresh_token_ttl: Duration::from_secs(r.parse::<u64>("OMNI_REFRESH_TOKEN_TTL_DAYS", 14) * 86_400),
            cookie_secure: r.parse("OMNI_COOKIE_SECURE", true),
            static_dir: r.parse("OMNI_STATIC_DIR", PathBuf::from("frontend/dist")),
            body_limit_bytes: r.parse("OMNI_BODY_LIMIT_BYTES", 1024 * 1024),
            cors_origins: r
                .raw("OMNI_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            trust_proxy: r.parse("OMNI_TRUST_PROXY", false),
            login_attempts_per_minute: r.parse("OMNI_LOGIN_ATTEMPTS_PER_MINUTE", 5),
            bootstrap_admin,
            log_format,
            // rmcp's transport worker logs every failed connection as an error; a down server is
            // a health result (recorded and shown), not an error of ours.
            log_filter: r
                .raw("OMNI_LOG")
                .unwrap_or_else(|| "info,sqlx=warn,rmcp::transport::worker=off".into()),
            health_checks: r.parse("OMNI_HEALTH_CHECKS", true),
            health_concurrency: r.parse("OMNI_HEALTH_CONCURRENCY", 16),
            usage_retention_days: r.parse("OMNI_USAGE_RETENTION_DAYS", 90),
            live_queue: r.parse("OMNI_LIVE_QUEUE", 256),
            live_burst_per_second: r.parse("OMNI_LIVE_BURST_PER_SECOND", 64),
            ingest_concurrency: r.parse("OMNI_INGEST_CONCURRENCY", 2),
        };
        if !(1..=64).contains(&config.ingest_concurrency) {
            r.errors
                .push("OMNI_INGEST_CONCURRENCY: must be between 1 and 64".into());
        }
        if !(8..=65_536).contains(&config.live_queue) {
            r.errors.push("OMNI_LIVE_QUEUE: must be between 8 and 65536".into());
        }
        if !(1..=1_000_000).contains(&config.live_burst_per_second) {
            r.errors
                .push("OMNI_LIVE_BURST_PER_SECOND: must be between 1 and 1000000".into());
        }
        if !(1..=3650).contains(&config.usage_retention_days) {
            r.errors
                .push("OMNI_USAGE_RETENTION_DAYS: must be between 1 and 3650".into());
        }
        if !(1..=256).contains(&config.health_concurrency) {
            r.errors
                .push("OMNI_HEALTH_CONCURRENCY: must be between 1 and 256".into());
        }
        if config.login_attempts_per_minute == 0 {
            r.errors
                .push("OMNI_LOGIN_ATTEMPTS_PER_MINUTE: must be at least 1".into());
        }
        if config.access_token_ttl < Duration::from_secs(30) {
            r.errors
                .push("OMNI_ACCESS_TOKEN_TTL_SECONDS: must be at least 30".into());
        }
        if r.errors.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(r.errors))
        }
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }
}

/// 32 bytes from base64 (standard or URL-safe) or hex.
fn decode_key(raw: &str) -> Option<[u8; 32]> {
    use base64::Engine;
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ];
    let bytes = engines
        .iter()
        .find_map(|e| e.decode(raw).ok().filter(|b| b.len() == 32))
        .or_else(|| hex::decode(raw).ok())?;
    bytes.try_into().ok()
}

/// A secret that is short, a known placeholder, or one repeated character.
fn weak_secret(secret: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &["changeme", "change-me", "secret", "dev", "development", "omni-admin"];
    let lower = secret.to_ascii_lowercase();
    secret.len() < MIN_JWT_SECRET_LEN
        || PLACEHOLDERS.iter().any(|p| lower.contains(p))
        || secret.chars().all(|c| secret.starts_with(c))
}

struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    errors: Vec<String>,
}

impl Reader<'_> {
    fn raw(&self, name: &str) -> Option<String> {
        self.vars.get(name).map(|v| v.trim().to_owned())
    }

    fn parse<T: FromStr>(&mut self, name: &str, default: T) -> T
    where
        T::Err: std::fmt::Display,
    {
        match self.vars.get(name) {
            None => default,
            Some(value) => value.trim().parse().unwrap_or_else(|e| {
                self.errors.push(format!("{name}: `{value}` is invalid: {e}"));
                default
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn development_defaults() {
        let c = Config::from_vars(vars(&[("DATABASE_URL", "postgres://x/y")])).unwrap();
        assert_eq!(c.env, Environment::Development);
        assert_eq!(c.port, 8080);
        assert_eq!(c.access_token_ttl, Duration::from_secs(900));
        assert!(c.jwt_secret.is_none());
        assert!(c.cors_origins.is_empty());
    }

    #[test]
    fn production_refuses_missing_or_weak_jwt_secret() {
        for secret in [
            None,
            Some("changeme"),
            Some("changeme-changeme-changeme-changeme"),
            Some(&"a".repeat(64)),
        ] {
            let mut v = vars(&[("DATABASE_URL", "postgres://x/y"), ("OMNI_ENV", "production")]);
            if let Some(s) = secret {
                v.push(("OMNI_JWT_SECRET".into(), s.into()));
            }
            let err = Config::from_vars(v).unwrap_err().to_string();
            assert!(err.contains("OMNI_JWT_SECRET"), "{err}");
        }
        let ok = Config::from_vars(vars(&[
            ("DATABASE_URL", "postgres://x/y"),
            ("OMNI_ENV", "production"),
            ("OMNI_JWT_SECRET", "q8Jx2V0mZtH4rLw9Yb7NcKp1sDf6GhEa3UiOo5TyRe"),
            ("OMNI_ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
        ]));
        assert_eq!(ok.unwrap().encryption_key.unwrap()[31], 31);
        let err = Config::from_vars(vars(&[
            ("DATABASE_URL", "postgres://x/y"),
            ("OMNI_ENV", "production"),
            ("OMNI_JWT_SECRET", "q8Jx2V0mZtH4rLw9Yb7NcKp1sDf6GhEa3UiOo5TyRe"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("OMNI_ENCRYPTION_KEY"));
    }

    #[test]
    fn ingest_concurrency_is_bounded() {
        let with = |n: &str| {
            Config::from_vars(vars(&[
                ("DATABASE_URL", "postgres://x/y"),
                ("OMNI_INGEST_CONCURRENCY", n),
            ]))
        };
        assert_eq!(with("3").unwrap().ingest_concurrency, 3);
        for bad in ["0", "65", "two"] {
            let err = with(bad).unwrap_err().to_string();
            assert!(err.contains("OMNI_INGEST_CONCURRENCY"), "{bad}: {err}");
        }
        let default = Config::from_vars(vars(&[("DATABASE_URL", "postgres://x/y")])).unwrap();
        assert_eq!(default.ingest_concurrency, 2);
    }

    #[test]
    fn reports_every_bad_variable() {
        let err = Config::from_vars(vars(&[("OMNI_PORT", "eighty"), ("OMNI_ENV", "staging")])).unwrap_err();
        assert_eq!(err.0.len(), 3, "{err}");
    }
}
