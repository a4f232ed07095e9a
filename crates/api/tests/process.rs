//! The real binary: start-up (migrations, bootstrap), production refusals, and graceful
//! shutdown on SIGTERM (SPEC OPS-4, AUTH-7).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::PgPool;

const BIN: &str = env!("CARGO_BIN_EXE_omni-admin");

/// A URL for the test's own database (same server as DATABASE_URL).
async fn database_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let server = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base)
        .to_owned();
    format!("{base}/{name}")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn production_refuses_to_start_without_a_strong_jwt_secret() {
    for secret in ["", "changeme"] {
        let out = Command::new(BIN)
            .arg("serve")
            .env_clear()
            .env("OMNI_ENV", "production")
            .env("DATABASE_URL", "postgres://127.0.0.1:9/none")
            .env("OMNI_JWT_SECRET", secret)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("OMNI_JWT_SECRET"), "{stderr}");
    }
}

#[sqlx::test(migrations = false)]
async fn serve_migrates_bootstraps_and_drains_on_sigterm(pool: PgPool) {
    let port = free_port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", database_url(&pool).await)
        .env("OMNI_PORT", port.to_string())
        .env("OMNI_STATIC_DIR", "/nonexistent")
        .env("OMNI_BOOTSTRAP_ADMIN_EMAIL", "boot@example.com")
        .env("OMNI_BOOTSTRAP_ADMIN_PASSWORD", "a long boot passphrase")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let ready = format!("http://127.0.0.1:{port}/readyz");
    let started = Instant::now();
    while client
        .get(&ready)
        .send()
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        assert!(started.elapsed() < Duration::from_secs(30), "server never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let owners: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM admins a JOIN admin_roles ar ON ar.admin_id = a.id
         JOIN roles r ON r.id = ar.role_id WHERE r.name = 'owner' AND a.email = 'boot@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(owners, 1, "migrations ran and the bootstrap owner exists");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "SIGTERM should end the server cleanly, got {status}");
}
