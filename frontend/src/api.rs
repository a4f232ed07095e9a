//! The one HTTP client of the SPA. Pages call these methods and never build a request or
//! spell a URL: paths come from `omni_types::paths`, bodies are the shared types, and
//! every error response becomes an [`ApiError`].

mod analytics;
mod config;
mod download;
mod error;
mod mcp;
mod orgs;
mod query;
mod security;
mod settings;
mod usage;
mod users;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::*;
use omni_types::audit::{AuditEntry, AuditFilter, AuditVerification};
use omni_types::auth::{LoginRequest, Me, TokenResponse};
use omni_types::page::DEFAULT_LIMIT;
use omni_types::{Page, Problem, paths};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::state::Session;

pub use analytics::{AnalyticsQuery, AnalyticsView, BreakdownChoice, TOOL_POPULARITY, rfc3339};
pub use error::ApiError;
pub use mcp::McpFilter;
pub use orgs::OrgFilter;
pub use query::{filter_params, with_query};
pub use settings::AdminFilter;
pub use users::UserFilter;

const JSON: &str = "application/json";
const CSV: &str = "text/csv";

type Refresh = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

/// The API as one session sees it. Cheap to copy; provided as context by the app root.
#[derive(Clone, Copy)]
pub struct Api {
    session: Session,
    /// The refresh request in flight, if any. Refresh tokens rotate, and presenting a spent
    /// one revokes the whole session, so a tab must never send two at once: every caller
    /// that needs a refresh awaits this one instead of starting its own.
    refreshing: StoredValue<Option<Refresh>, LocalStorage>,
}

impl Api {
    pub fn new(session: Session) -> Self {
        Api {
            session,
            refreshing: StoredValue::new_local(None),
        }
    }

    /// Signs in; on success the session holds the new access token and admin.
    pub async fn login(&self, credentials: &LoginRequest) -> Result<(), ApiError> {
        let body = encode(credentials)?;
        let response = send(&Call::new(Method::POST, paths::AUTH_LOGIN).body(&body), None).await?;
        self.session.sign_in(decode::<TokenResponse>(response).await?);
        Ok(())
    }

    /// Revokes the session on the server (it works from the cookie alone), then forgets it here.
    pub async fn logout(&self) -> Result<(), ApiError> {
        send(&Call::new(Method::POST, paths::AUTH_LOGOUT), None).await?;
        self.session.sign_out();
        Ok(())
    }

    /// The signed-in admin, fresh from the server (roles may have changed since sign-in).
    pub async fn me(&self) -> Result<Me, ApiError> {
        let me: Me = decode(self.authorized(&Call::new(Method::GET, paths::AUTH_ME)).await?).await?;
        self.session.update_admin(&me);
        Ok(me)
    }

    /// One page of the audit log, newest first. `cursor` is the previous page's
    /// `next_cursor`, to continue where it ended.
    pub async fn audit_list(&self, filter: &AuditFilter, cursor: Option<String>) -> Result<Page<AuditEntry>, ApiError> {
        let params = page_params(filter_params(filter), cursor);
        let call = Call::new(Method::GET, paths::AUDIT).query(&params);
        decode(self.authorized(&call).await?).await
    }

    pub async fn audit_entry(&self, id: Uuid) -> Result<AuditEntry, ApiError> {
        decode(
            self.authorized(&Call::new(Method::GET, &paths::audit_entry(id)))
                .await?,
        )
        .await
    }

    /// Walks the whole hash chain on the server.
    pub async fn audit_verify(&self) -> Result<AuditVerification, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, paths::AUDIT_VERIFY)).await?).await
    }

    /// Downloads every entry that matches `filter` as a CSV file; returns the file's name.
    pub async fn audit_export(&self, filter: &AuditFilter) -> Result<String, ApiError> {
        let params = filter_params(filter);
        let call = Call::new(Method::GET, paths::AUDIT_EXPORT).query(&params).accept(CSV);
        download::save(self.authorized(&call).await?, "audit-export.csv").await
    }

    /// Startup: turns the refresh cookie, if any, back into a session. "No session" is a
    /// normal outcome here; only a failure to find out is an error.
    pub async fn restore(&self) -> Result<(), ApiError> {
        match self.refresh().await {
            Err(e) if e.is_unauthenticated() => Ok(()),
            other => other,
        }
    }

    /// A new access token from the refresh cookie (the live connection asks before the
    /// current one expires). Shares the refresh in flight, if any.
    pub(crate) async fn refresh(&self) -> Result<(), ApiError> {
        let refresh = match self.refreshing.get_value() {
            Some(in_flight) => in_flight,
            None => {
                let started = refresh_session(self.session).boxed_local().shared();
                self.refreshing.set_value(Some(started.clone()));
                started
            }
        };
        let outcome = refresh.clone().await;
        // Only the refresh we awaited may be cleared: a newer one may already have started.
        self.refreshing.update_value(|slot| {
            if slot.as_ref().is_some_and(|current| current.ptr_eq(&refresh)) {
                *slot = None;
            }
        });
        outcome
    }

    /// Sends with the access token; on a 401 renews the token once and sends again.
    async fn authorized(&self, call: &Call<'_>) -> Result<Response, ApiError> {
        let token = self.session.access_token();
        match send(call, token.as_deref()).await {
            Err(e) if e.is_unauthenticated() => {
                // Another call may have renewed the token while this one was on the wire.
                if self.session.access_token() == token {
                    self.refresh().await?;
                }
                send(call, self.session.access_token().as_deref()).await
            }
            other => other,
        }
    }
}

/// One `POST /auth/refresh`, applied to the session exactly once however many await it.
async fn refresh_session(session: Session) -> Result<(), ApiError> {
    let tokens = match send(&Call::new(Method::POST, paths::AUTH_REFRESH), None).await {
        Ok(response) => decode::<TokenResponse>(response).await,
        Err(e) => Err(e),
    };
    match tokens {
        Ok(tokens) => {
            session.sign_in(tokens);
            Ok(())
        }
        Err(e) => {
            if e.is_unauthenticated() {
                session.expire();
            }
            Err(e)
        }
    }
}

/// A list request's parameters: the filter's, then the page size and where to continue
/// (the previous page's `next_cursor`).
fn page_params(mut params: Vec<(String, String)>, cursor: Option<String>) -> Vec<(String, String)> {
    params.push(("limit".into(), DEFAULT_LIMIT.to_string()));
    params.extend(cursor.map(|cursor| ("cursor".into(), cursor)));
    params
}

/// One request, as the client methods describe it; `send` adds the token.
struct Call<'a> {
    method: Method,
    path: &'a str,
    /// Query parameters, encoded by the browser (`URLSearchParams`).
    query: &'a [(String, String)],
    accept: &'static str,
    body: Option<&'a str>,
    /// The body's media type.
    content_type: &'static str,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: &'a str) -> Self {
        Call {
            method,
            path,
            query: &[],
            accept: JSON,
            body: None,
            content_type: JSON,
        }
    }

    fn query(self, query: &'a [(String, String)]) -> Self {
        Call { query, ..self }
    }

    /// What a success should be; errors come as problem+json whatever this says.
    fn accept(self, accept: &'static str) -> Self {
        Call { accept, ..self }
    }

    /// A JSON body.
    fn body(self, body: &'a str) -> Self {
        Call {
            body: Some(body),
            ..self
        }
    }

    /// A body of another media type (a CSV file).
    fn body_as(self, body: &'a str, content_type: &'static str) -> Self {
        Call {
            body: Some(body),
            content_type,
            ..self
        }
    }
}

/// The refresh cookie rides along on auth routes because fetch sends same-origin
/// credentials by default; nothing else needs it.
async fn send(call: &Call<'_>, token: Option<&str>) -> Result<Response, ApiError> {
    let mut request = RequestBuilder::new(call.path)
        .method(call.method.clone())
        .query(call.query.iter().map(|(name, value)| (name.as_str(), value.as_str())))
        .header("Accept", call.accept);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match call.body {
        Some(body) => request.header("Content-Type", call.content_type).body(body.to_owned()),
        None => request.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        Ok(response)
    } else {
        Err(ApiError::Problem(Box::new(problem(response).await)))
    }
}

async fn problem(response: Response) -> Problem {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let status_text = response.status_text();
    let parsed = match response.text().await {
        Ok(text) => serde_json::from_str::<Problem>(&text).ok(),
        Err(_) => None,
    };
    let mut problem = parsed.unwrap_or_else(|| error::status_only(status, status_text));
    problem.retry_after_seconds = problem.retry_after_seconds.or(retry_after);
    problem
}

/// What `Response::json` does, split so that only the parsing is compiled once per type:
/// the awaiting of the body is shared by every call.
async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    parse(&body_text(response).await?)
}

async fn body_text(response: Response) -> Result<String, ApiError> {
    response.text().await.map_err(|e| ApiError::Decode(e.to_string()))
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

fn encode(body: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))
}
