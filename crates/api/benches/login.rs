//! `make bench`: what a sign-in costs. Prints the argon2id verify time alone and the full
//! `POST /api/v1/auth/login` latency over real HTTP against PostgreSQL (DATABASE_URL
//! names a scratch database; the bench migrates it and adds one admin).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use omni_admin::app::{AppState, router};
use omni_admin::auth::password;
use omni_admin::bootstrap::{NewAdmin, create_admin};
use omni_admin::config::Config;
use omni_admin::db::{self, audit::Actor};

const ROUNDS: usize = 30;
const PASSWORD: &str = "bench passphrase 1234";

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| ms(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    println!(
        "{label:<28} n={:<3} p50={:>7.1} ms  p95={:>7.1} ms  max={:>7.1} ms",
        samples.len(),
        p(0.5),
        p(0.95),
        p(1.0)
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL to a scratch database"))?;
    // This bench writes and truncates: refuse anything but a database named for it.
    anyhow::ensure!(
        url.rsplit('/').next().is_some_and(|db| db.contains("bench")),
        "DATABASE_URL must name a *bench* database"
    );
    let phc = password::hash(PASSWORD.to_owned().into()).await?;
    let mut verify = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        assert!(password::verify(PASSWORD.to_owned().into(), Some(phc.clone())).await?);
        verify.push(t.elapsed());
    }
    summary("argon2id verify (19 MiB, t=2)", verify);

    let pool = db::pool(&url, 5)?;
    db::MIGRATOR.run(&pool).await?;
    sqlx::query("TRUNCATE admins, login_attempts, refresh_tokens CASCADE")
        .execute(&pool)
        .await?;
    let email = "bench@example.com";
    let new = NewAdmin {
        email: email.into(),
        display_name: "Bench".into(),
        password: PASSWORD.to_owned().into(),
        roles: vec!["owner".into()],
    };
    create_admin(&pool, new, Actor::System { label: "bench".into() }).await?;

    let config = Config::from_vars([
        ("DATABASE_URL".to_owned(), url.clone()),
        ("OMNI_LOGIN_ATTEMPTS_PER_MINUTE".to_owned(), "1000".to_owned()),
        ("OMNI_STATIC_DIR".to_owned(), "/nonexistent".to_owned()),
    ])?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router(AppState::new(config, pool));
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });

    let client = reqwest::Client::new();
    let body = serde_json::json!({ "email": email, "password": PASSWORD });
    let mut login = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let res = client
            .post(format!("http://{addr}/api/v1/auth/login"))
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "login answered {}", res.status());
        res.bytes().await?;
        login.push(t.elapsed());
    }
    summary("POST /api/v1/auth/login", login);
    Ok(())
}
