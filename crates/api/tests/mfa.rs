//! TOTP MFA: enrolment, the sign-in code step, replay refusal, backup codes, owner reset
//! (SPEC AUTH-4).

mod common;

use common::{PASSWORD, TestApp, config, problem, refresh_cookie, spawn_app, spawn_strict, spawn_with};
use serde_json::{Value, json};
use sqlx::PgPool;
use totp_rs::{Algorithm, Secret, Totp};

fn totp(base32: &str) -> Totp {
    let secret = Secret::try_from_base32(base32).unwrap();
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .build_noncompliant()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut req = app.client.post(app.url(path)).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

/// Enrols `email` and returns (TOTP, backup codes).
async fn enrol(app: &TestApp, token: &str) -> (Totp, Vec<String>) {
    let enrolment: Value = post(app, "/api/v1/auth/mfa/enrolment", Some(token), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        enrolment["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Omni%20Admin:")
    );
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    let totp = totp(enrolment["secret"].as_str().unwrap());

    let body = problem(
        post(
            app,
            "/api/v1/auth/mfa/enrolment/confirm",
            Some(token),
            json!({ "code": "000000" }),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["code"].is_array());
    let code = totp.generate(now()).to_string();
    let res = post(
        app,
        "/api/v1/auth/mfa/enrolment/confirm",
        Some(token),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = serde_json::from_value(res.json::<Value>().await.unwrap()["codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    (totp, codes)
}

/// First sign-in step for an admin with MFA: the challenge.
async fn challenge(app: &TestApp, email: &str) -> String {
    let body = problem(app.post_login(email, PASSWORD).await, 401).await;
    assert_eq!(body["type"], "/problems/mfa-required");
    body["mfa_challenge"].as_str().unwrap().to_owned()
}

async fn second_step(app: &TestApp, challenge: &str, code: &str) -> reqwest::Response {
    post(
        app,
        "/api/v1/auth/login/mfa",
        None,
        json!({ "challenge": challenge, "code": code }),
    )
    .await
}

/// These flows take more attempts a minute than the default limit allows.
fn roomy_config() -> omni_admin::config::Config {
    config(&[("OMNI_LOGIN_ATTEMPTS_PER_MINUTE", "100")])
}

async fn roomy(pool: PgPool) -> TestApp {
    spawn_with(pool, roomy_config()).await
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn enrol_then_sign_in_with_a_code_that_works_once(pool: PgPool) {
    // Product defaults: the owner role requires MFA.
    let app = spawn_strict(pool, roomy_config()).await;
    app.admin("ada@example.com", "owner").await;
    let token = app.login("ada@example.com").await.access_token;
    let me: Value = app.get_as("/api/v1/auth/me", &token).await.json().await.unwrap();
    assert_eq!(
        (me["mfa_enabled"].as_bool(), me["mfa_required"].as_bool()),
        (Some(false), Some(true))
    );
    let (totp, _) = enrol(&app, &token).await;
    problem(
        post(&app, "/api/v1/auth/mfa/enrolment", Some(&token), json!({})).await,
        409,
    )
    .await;

    let challenge = challenge(&app, "ada@example.com").await;
    // The confirmation used the current step: the same code is refused (RFC 6238 §5.2).
    let used = totp.generate(now()).to_string();
    problem(second_step(&app, &challenge, &used).await, 401).await;
    // The next step's code (within the ±1 window) works, once.
    let next = totp.generate(now() + 30).to_string();
    let res = second_step(&app, &challenge, &next).await;
    assert_eq!(res.status(), 200);
    assert!(refresh_cookie(res.headers()).is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["admin"]["mfa_enabled"], true);
    problem(second_step(&app, &challenge, &next).await, 401).await;

    // A challenge is not an access token, and a forged one is refused.
    problem(app.get_as("/api/v1/auth/me", &challenge).await, 401).await;
    problem(second_step(&app, "forged.challenge.token", &next).await, 401).await;
    let actions = app.audit_actions().await;
    for action in [
        "mfa.enrolment_started",
        "mfa.enabled",
        "auth.login.mfa_challenged",
        "auth.login.failed",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn backup_codes_work_once_and_can_be_regenerated(pool: PgPool) {
    let app = roomy(pool).await;
    app.admin("ada@example.com", "admin").await;
    let token = app.login("ada@example.com").await.access_token;
    let (totp, codes) = enrol(&app, &token).await;

    let challenge = challenge(&app, "ada@example.com").await;
    let typed = codes[0].to_uppercase().replace('-', " ");
    let res = second_step(&app, &challenge, &typed).await;
    assert_eq!(res.status(), 200);
    let session: Value = res.json().await.unwrap();
    problem(second_step(&app, &challenge, &codes[0]).await, 401).await;

    // Regeneration needs a fresh TOTP code; pretend a step has passed since enrolment.
    sqlx::query("UPDATE admin_mfa SET last_used_step = last_used_step - 2")
        .execute(&app.pool)
        .await
        .unwrap();
    let new_token = session["access_token"].as_str().unwrap();
    let res = post(
        &app,
        "/api/v1/auth/mfa/backup-codes",
        Some(new_token),
        json!({ "code": totp.generate(now()).to_string() }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let fresh: Vec<String> = serde_json::from_value(res.json::<Value>().await.unwrap()["codes"].clone()).unwrap();
    assert!(fresh.iter().all(|c| !codes.contains(c)));
    problem(second_step(&app, &challenge, &codes[1]).await, 401).await;
    assert_eq!(second_step(&app, &challenge, &fresh[0]).await.status(), 200);

    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_hash FROM admin_backup_codes")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|h| h.len() == 32 && !fresh.iter().any(|c| c.as_bytes() == h.as_slice()))
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn code_guessing_runs_into_the_attempt_limit(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("ada@example.com", "admin").await;
    let token = app.login("ada@example.com").await.access_token;
    enrol(&app, &token).await;
    let challenge = challenge(&app, "ada@example.com").await;
    let mut statuses = Vec::new();
    for guess in ["111111", "222222", "333333", "444444", "555555"] {
        statuses.push(second_step(&app, &challenge, guess).await.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn an_owner_resets_a_lost_authenticator(pool: PgPool) {
    let app = roomy(pool).await;
    app.admin("owner@example.com", "owner").await;
    app.admin("ada@example.com", "admin").await;
    let ada = app.login("ada@example.com").await;
    enrol(&app, &ada.access_token).await;
    challenge(&app, "ada@example.com").await;

    let owner = app.login("owner@example.com").await.access_token;
    let list: Value = app.get_as("/api/v1/admins?q=ada", &owner).await.json().await.unwrap();
    let id = list["items"][0]["id"].as_str().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/admins/{id}/mfa")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    problem(app.refresh(&ada.refresh_cookie).await, 401).await;
    assert_eq!(app.post_login("ada@example.com", PASSWORD).await.status(), 200);
    assert!(app.audit_actions().await.contains(&"mfa.reset".to_owned()));
}

async fn set_owner_mfa_required(app: &TestApp, required: bool) {
    app.write_behind(async {
        sqlx::query("UPDATE roles SET mfa_required = $1 WHERE name = 'owner'")
            .bind(required)
            .execute(&app.pool)
            .await
            .unwrap();
    })
    .await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn an_owner_without_mfa_may_only_set_it_up(pool: PgPool) {
    let app = spawn_strict(pool, roomy_config()).await;
    app.admin("owner@example.com", "owner").await;
    // A token minted while the owner role did not require MFA (an owner may relax it).
    set_owner_mfa_required(&app, false).await;
    let relaxed = app.login("owner@example.com").await.access_token;
    let minted = post(
        &app,
        "/api/v1/api-tokens",
        Some(&relaxed),
        json!({ "name": "ci", "permissions": ["admins:read"] }),
    )
    .await;
    assert_eq!(minted.status(), 201);
    let api_token = minted.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    set_owner_mfa_required(&app, true).await;

    // Signing in with a password works: enrolment needs a session.
    let owner = app.login("owner@example.com").await.access_token;
    let me: Value = app.get_as("/api/v1/auth/me", &owner).await.json().await.unwrap();
    assert_eq!(
        (me["mfa_required"].as_bool(), me["mfa_enabled"].as_bool()),
        (Some(true), Some(false))
    );
    // Everything permissioned waits, and so do the account's tokens.
    for (path, token) in [
        ("/api/v1/roles", &owner),
        ("/api/v1/audit", &owner),
        ("/api/v1/admins", &api_token),
    ] {
        let body = problem(app.get_as(path, token).await, 403).await;
        assert_eq!(body["type"], "/problems/mfa-enrolment-required", "{path}");
    }
    // No new token can carry the account past the requirement.
    let body = problem(
        post(
            &app,
            "/api/v1/api-tokens",
            Some(&owner),
            json!({ "name": "escape", "permissions": ["admins:read"] }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(body["type"], "/problems/mfa-enrolment-required");

    enrol(&app, &owner).await;
    assert_eq!(app.get_as("/api/v1/roles", &owner).await.status(), 200);
    assert_eq!(app.get_as("/api/v1/admins", &api_token).await.status(), 200);
    // From now on the owner signs in with a code.
    challenge(&app, "owner@example.com").await;
}
