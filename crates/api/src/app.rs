//! Application state, the full HTTP stack, and server start-up.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, header};
use axum::routing::{any, get};
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

use crate::access_cache::AccessCache;
use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::crypto::Sealer;
use crate::db;
use crate::http::{self, metrics, problems, request_id, security_headers, spa::Spa};
use crate::jobs::health::HealthJob;
use crate::router;
use crate::routes::health;

/// Shared by every handler. Cheap to clone; holds nothing another instance would need.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub jwt: Arc<JwtKeys>,
    pub sealer: Sealer,
    /// The HTTP client of MCP health checks (one pool for all of them).
    pub mcp_http: reqwest::Client,
    /// `can-call` facts and API-token credentials in memory (`access_cache`).
    pub access: Arc<AccessCache>,
    /// This instance's WebSockets and their channels (`live`).
    pub live: Arc<crate::live::Hub>,
    /// Permits to run an ingest transaction (`OMNI_INGEST_CONCURRENCY`, `ingest_slot`). Every batch
    /// adds to the same rows of the current hour (the small grains), and a batch waiting
    /// for another's row lock holds its own: past about one batch per core they queue
    /// behind each other in PostgreSQL and throughput falls (4 connections on 2 cores:
    /// 17,700 events/s, where 2 took 27,800). They queue here instead.
    ingest_slots: Arc<tokio::sync::Semaphore>,
    pub started_at: Instant,
}

impl AppState {
    /// The instance's LISTEN connection (access cache and live updates), until `stop`.
    pub fn listen(&self, stop: tokio::sync::watch::Receiver<bool>) -> impl std::future::Future<Output = ()> + use<> {
        crate::listen::run(self.db.clone(), self.access.clone(), self.live.clone(), stop)
    }

    /// A permit to run an ingest transaction, waited for when every one is taken.
    pub async fn ingest_slot(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.ingest_slots
            .acquire()
            .await
            .expect("the ingest semaphore is never closed")
    }

    pub fn new(config: Config, db: PgPool) -> Self {
        let jwt = JwtKeys::new(config.jwt_secret.as_ref(), config.access_token_ttl);
        let sealer = Sealer::new(&config.encryption_key.unwrap_or_else(development_key));
        let live = Arc::new(crate::live::Hub::new(config.live_queue, config.live_burst_per_second));
        let ingest_slots = Arc::new(tokio::sync::Semaphore::new(config.ingest_concurrency));
        AppState {
            db,
            config: Arc::new(config),
            jwt: Arc::new(jwt),
            sealer,
            mcp_http: crate::mcp::check::http_client(),
            access: Arc::default(),
            live,
            ingest_slots,
            started_at: Instant::now(),
        }
    }
}

/// The key used when `OMNI_ENCRYPTION_KEY` is unset, which only development allows. It is
/// derived from a public string: it keeps development data readable across restarts and
/// protects nothing.
fn development_key() -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b"omni-admin development encryption key").into()
}

/// The whole application: API, docs, probes, metrics and the SPA, with all middleware.
pub fn router(state: AppState) -> Router {
    metrics::handle(); // install the recorder before the first request is counted
    let (api, openapi) = router::api();
    let spa = Spa::load(&state.config.static_dir);

    let app = Router::new()
        .merge(api)
        .route("/api/{*rest}", any(problems::api_not_found))
        .route("/api", any(problems::api_not_found))
        .route(omni_types::paths::HEALTHZ, get(health::healthz))
        .route(omni_types::paths::READYZ, get(health::readyz))
        .route(omni_types::paths::METRICS, get(metrics::render))
        .merge(SwaggerUi::new(omni_types::paths::SWAGGER_UI).url(omni_types::paths::OPENAPI_JSON, openapi))
        .fallback(move |req: Request| spa.clone().serve(req))
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(axum::middleware::from_fn(metrics::middleware))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::access_cache::after_writes,
        ))
        .with_state(state.clone());

    let cors = cors_layer(&state.config);
    app.layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(request_id::middleware))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|req: &Request| {
                        let request_id = req
                            .headers()
                            .get(request_id::HEADER)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
                    })
                    .on_request(())
                    .on_response(
                        tower_http::trace::DefaultOnResponse::new()
                            .level(tracing::Level::INFO)
                            .latency_unit(tower_http::LatencyUnit::Millis),
                    ),
            )
            .layer(CatchPanicLayer::custom(problems::panic_response))
            .layer(axum::middleware::from_fn(security_headers::middleware))
            .layer(axum::middleware::from_fn(problems::middleware))
            .option_layer(cors)
            .layer(axum::Extension(state)),
    )
}

fn cors_layer(config: &Config) -> Option<CorsLayer> {
    if config.cors_origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = config.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, request_id::HEADER])
            .allow_credentials(true),
    )
}

/// Installs the global log subscriber (JSON lines by default).
pub fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        crate::config::LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        crate::config::LogFormat::Pretty => builder.try_init(),
    };
}

/// `omni-admin serve`: migrate, bootstrap the first owner, serve until SIGTERM/SIGINT.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    if config.encryption_key.is_none() {
        tracing::warn!("OMNI_ENCRYPTION_KEY is not set: using the public development key (development only)");
    }
    if config.jwt_secret.is_none() {
        tracing::warn!(
            "OMNI_JWT_SECRET is not set: using a random key (development only; sessions survive via refresh)"
        );
    }
    let pool = db::pool(config.database_url.expose_secret(), config.db_max_connections)?;
    db::MIGRATOR.run(&pool).await.context("applying database migrations")?;
    crate::bootstrap::ensure_owner(&pool, &config).await?;

    let addr = SocketAddr::new(config.host, config.port);
    let state = AppState::new(config, pool.clone());
    if !Spa::load(&state.config.static_dir).is_built() {
        tracing::warn!("the SPA is not built; only the API is served");
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let (stop_jobs, jobs_stopped) = tokio::sync::watch::channel(false);
    let health_job = state.config.health_checks.then(|| {
        let job = HealthJob {
            db: state.db.clone(),
            sealer: state.sealer.clone(),
            http: state.mcp_http.clone(),
            concurrency: state.config.health_concurrency,
        };
        tokio::spawn(job.run(jobs_stopped.clone()))
    });
    let retention = tokio::spawn(crate::usage::retention::run(
        state.db.clone(),
        state.config.usage_retention_days,
        jobs_stopped.clone(),
    ));
    let days = tokio::spawn(crate::usage::days::run(state.db.clone(), jobs_stopped.clone()));
    let notifications = tokio::spawn(state.listen(jobs_stopped));
    let live = state.live.clone();
    let drain = state.live.clone();
    tracing::info!(%addr, "omni-admin listening");
    eprintln!("Omni Admin is running at http://{addr}/  (API docs: http://{addr}/docs)");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Upgraded sockets are not connections the server drains: close them.
        live.shutdown();
    })
    .await
    .context("serving HTTP")?;
    // The sockets' close frames go out before the process ends.
    drain.drained(std::time::Duration::from_secs(2)).await;
    let _ = stop_jobs.send(true);
    if let Some(job) = health_job {
        let _ = job.await;
    }
    let _ = notifications.await;
    let _ = retention.await;
    let _ = days.await;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutdown signal received: draining connections");
}

/// A random password for generated accounts: 20 characters from an unambiguous alphabet.
pub fn generate_password() -> SecretString {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect::<String>()
        .into()
}

pub use http::client::ClientMeta;
