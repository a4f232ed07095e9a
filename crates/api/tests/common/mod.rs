//! `spawn_app`: the real application on a random port, over real HTTP, against a fresh
//! PostgreSQL database created by `#[sqlx::test]` for each test.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod live;
pub mod mcp;
pub mod usage;

use std::net::SocketAddr;

use omni_admin::app::{AppState, router};
use omni_admin::bootstrap::{NewAdmin, create_admin};
use omni_admin::config::Config;
use omni_admin::db::audit::Actor;
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use serde_json::{Value, json};
use sqlx::PgPool;

pub const JWT_SECRET: &str = "test-only-3f9a1c7e5b2d8f4a6c0e1b3d5f7a9c2e";
pub const PASSWORD: &str = "a long test passphrase";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
    /// The app's access cache (LISTEN/NOTIFY-driven, as in production).
    pub access: std::sync::Arc<omni_admin::access_cache::AccessCache>,
    /// The app's real-time hub (its sockets and channels).
    pub live: std::sync::Arc<omni_admin::live::Hub>,
    /// Dropping it stops the app's background tasks.
    pub _stop: tokio::sync::watch::Sender<bool>,
}

pub fn config(extra: &[(&str, &str)]) -> Config {
    let mut vars = vec![
        ("DATABASE_URL".to_owned(), "postgres://unused".to_owned()),
        ("OMNI_JWT_SECRET".to_owned(), JWT_SECRET.to_owned()),
        ("OMNI_STATIC_DIR".to_owned(), "/nonexistent".to_owned()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_vars(vars).expect("test config")
}

pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_with(pool, config(&[])).await
}

/// The app with owners relieved of the MFA requirement, which the product allows per
/// role: most tests sign in as an owner with a password alone, several times a minute,
/// while a TOTP step is good once. The requirement itself is tested with
/// [`spawn_strict`].
pub async fn spawn_with(pool: PgPool, config: Config) -> TestApp {
    sqlx::query("UPDATE roles SET mfa_required = false WHERE name = 'owner'")
        .execute(&pool)
        .await
        .unwrap();
    spawn_strict(pool, config).await
}

/// The app with the product's defaults: owners must set up MFA before anything else.
pub async fn spawn_strict(pool: PgPool, config: Config) -> TestApp {
    let state = AppState::new(config, pool.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let access = state.access.clone();
    let live = state.live.clone();
    tokio::spawn(state.listen(stopped));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    // Listening before the test acts: nothing it causes goes unheard.
    for _ in 0..500 {
        if access.is_listening() && live.is_listening() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        pool,
        access,
        live,
        _stop: stop,
    }
}

/// A signed-in browser, reduced to what matters: the access token and refresh cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_cookie: String,
}

/// The `omni_refresh=...` pair from a response's `Set-Cookie`, if any.
pub fn refresh_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("omni_refresh="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates an admin with `role` and the shared test password.
    pub async fn admin(&self, email: &str, role: &str) {
        let new = NewAdmin {
            email: email.into(),
            display_name: String::new(),
            password: PASSWORD.to_owned().into(),
            roles: vec![role.into()],
        };
        create_admin(&self.pool, new, Actor::System { label: "test".into() })
            .await
            .unwrap();
    }

    pub async fn post_login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str) -> Session {
        let res = self.post_login(email, PASSWORD).await;
        assert_eq!(res.status(), 200, "login of {email}");
        let refresh_cookie = refresh_cookie(res.headers()).expect("refresh cookie");
        let body: Value = res.json().await.unwrap();
        Session {
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_cookie,
        }
    }

    pub async fn refresh(&self, cookie: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/refresh"))
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    /// A JSON request as `token` (`body` for anything but GET and DELETE).
    pub async fn send_as(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> reqwest::Response {
        let mut req = self
            .client
            .request(method.parse().unwrap(), self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.unwrap()
    }

    /// Signs in a fresh owner and returns its access token.
    pub async fn owner_token(&self) -> String {
        self.admin("owner@example.com", "owner").await;
        self.login("owner@example.com").await.access_token
    }

    /// Runs `write` behind the API's back (as another instance or an operator would) and
    /// waits until the app has heard of it through NOTIFY, so what it caches is current.
    /// (Notifications arrive in commit order: once a marker sent after the write is
    /// heard, so is the write.)
    pub async fn write_behind(&self, write: impl std::future::Future<Output = ()>) {
        write.await;
        let marker = format!("test-{}", uuid::Uuid::now_v7());
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(omni_admin::access_cache::CHANNEL)
            .bind(&marker)
            .execute(&self.pool)
            .await
            .unwrap();
        for _ in 0..500 {
            if self.access.last_heard() == marker || !self.access.is_listening() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the app never heard of the change (no NOTIFY within 5 s)");
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM admin_audit_log ORDER BY occurred_at, id")
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }
}

/// Asserts an RFC 9457 body and returns it.
pub async fn problem(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"].is_string() && body["title"].is_string(), "{body}");
    assert_eq!(body["request_id"], request_id.as_str());
    body
}
