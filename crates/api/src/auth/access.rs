//! Per-route access control (SPEC RBAC-3). Every route is registered through [`guard`]
//! with the [`Access`] it needs; that one declaration both enforces the check and writes
//! it into the OpenAPI operation (`security` scopes and `x-required-permission`).

use std::collections::BTreeSet;

use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use omni_types::Permission;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Ref, RefOr};
use utoipa_axum::router::UtoipaMethodRouter;

use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::api_token;
use crate::auth::principal::{Credential, Pending};
use crate::db;
use crate::error::ApiError;

/// Name of the bearer security scheme in the OpenAPI document.
pub const BEARER_SCHEME: &str = "bearer";
/// Operation extension naming what a route needs.
pub const ACCESS_EXTENSION: &str = "x-required-permission";

/// What a route requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in, refresh, logout).
    Public,
    /// Any signed-in admin or API token (their own profile).
    Authenticated,
    /// A signed-in admin in a browser or CLI session, not an API token (minting tokens).
    SignedIn,
    /// A signed-in admin holding this permission.
    Permission(Permission),
}

impl Access {
    /// The value of `x-required-permission` in the OpenAPI document.
    pub fn label(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Authenticated => "authenticated",
            Access::SignedIn => "signed-in",
            Access::Permission(p) => p.as_str(),
        }
    }

    /// Parses a label back (the route matrix test reads the OpenAPI document).
    pub fn from_label(label: &str) -> Option<Self> {
        match label {
            "public" => Some(Access::Public),
            "authenticated" => Some(Access::Authenticated),
            "signed-in" => Some(Access::SignedIn),
            other => other.parse().ok().map(Access::Permission),
        }
    }
}

/// Registers a route with its access requirement: enforced by a route layer and
/// documented on each of the route's OpenAPI operations.
pub fn guard(
    access: Access,
    (schemas, mut paths, method_router): UtoipaMethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    for item in paths.paths.values_mut() {
        for operation in operations_mut(item) {
            document(access, operation);
        }
    }
    let method_router = if access == Access::Public {
        method_router
    } else {
        method_router.route_layer(middleware::from_fn(move |req: Request, next: Next| {
            authorize(access, req, next)
        }))
    };
    (schemas, paths, method_router)
}

pub fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn document(access: Access, op: &mut Operation) {
    let requirement = match access {
        Access::Public => SecurityRequirement::default(),
        Access::Authenticated | Access::SignedIn => SecurityRequirement::new(BEARER_SCHEME, Vec::<String>::new()),
        Access::Permission(p) => SecurityRequirement::new(BEARER_SCHEME, [p.as_str()]),
    };
    op.security = Some(vec![requirement]);
    op.extensions = Some(ExtensionsBuilder::new().add(ACCESS_EXTENSION, access.label()).build());
    let note = match access {
        Access::Public => "Access: public.".to_owned(),
        Access::Authenticated => "Access: any signed-in admin or API token.".to_owned(),
        Access::SignedIn => "Access: a signed-in admin (session); API tokens are refused.".to_owned(),
        Access::Permission(p) => format!("Access: needs the `{p}` permission."),
    };
    op.description = Some(match op.description.take() {
        Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
        _ => note,
    });
    if access != Access::Public {
        let problem = |name: &str| RefOr::Ref(Ref::from_response_name(name));
        op.responses
            .responses
            .entry("401".into())
            .or_insert_with(|| problem("Unauthenticated"));
        if matches!(access, Access::Permission(_) | Access::SignedIn) {
            op.responses
                .responses
                .entry("403".into())
                .or_insert_with(|| problem("Forbidden"));
        }
    }
}

/// The token of an `Authorization: Bearer …` header, if any.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned())
}

/// Authenticates the bearer token and checks the permission; on success the request
/// carries a [`Principal`] for the handler.
async fn authorize(access: Access, mut req: Request, next: Next) -> Response {
    let state = req
        .extensions()
        .get::<AppState>()
        .cloned()
        .expect("AppState extension is installed by app::router");
    let bearer = bearer(req.headers());
    let ip = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    match principal(&state, bearer, ip, access).await {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn principal(
    state: &AppState,
    bearer: Option<String>,
    ip: Option<std::net::IpAddr>,
    access: Access,
) -> Result<Principal, ApiError> {
    let token = bearer.filter(|t| !t.is_empty()).ok_or(ApiError::Unauthenticated(
        "Send `Authorization: Bearer <access token or API token>`.",
    ))?;
    let principal = match api_token::split(&token) {
        Some((prefix, secret)) => token_principal(state, prefix, secret, ip).await?,
        None => session_principal(state, &token).await?,
    };
    // After an owner's reset, or while a required MFA is missing, only the profile, the
    // password change and MFA enrolment stay open.
    if let (Access::Permission(_), Some(pending)) = (access, principal.pending()) {
        return Err(pending.error());
    }
    match access {
        Access::Permission(p) if !principal.can(p) => Err(ApiError::Forbidden(p)),
        Access::SignedIn if matches!(principal.via, Credential::Token { .. }) => Err(ApiError::SessionRequired),
        _ => Ok(principal),
    }
}

fn permission_set(names: &[String]) -> BTreeSet<Permission> {
    names.iter().filter_map(|p| p.parse().ok()).collect()
}

async fn session_principal(state: &AppState, token: &str) -> Result<Principal, ApiError> {
    let claims = state
        .jwt
        .verify(token)
        .ok_or(ApiError::Unauthenticated("The access token is invalid or expired."))?;
    let identity = db::admins::identity(&state.db, claims.sub, claims.sid)
        .await?
        .ok_or(ApiError::Unauthenticated(
            "The session has ended or the account is disabled.",
        ))?;
    Ok(Principal {
        admin_id: identity.id,
        email: identity.email,
        via: Credential::Session {
            session_id: claims.sid,
            pending: if identity.must_change_password {
                Some(Pending::PasswordChange)
            } else if identity.must_enrol_mfa {
                Some(Pending::MfaEnrolment)
            } else {
                None
            },
        },
        permissions: permission_set(&identity.permissions),
    })
}

async fn token_principal(
    state: &AppState,
    prefix: &str,
    secret: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<Principal, ApiError> {
    const INVALID: &str = "The API token is invalid, expired or revoked.";
    // The hub sends a token with every call: its credential comes from memory while the
    // access cache is current (`access_cache`), from the database otherwise.
    let credential = match state.access.credential(prefix) {
        Some(cached) => cached,
        None => {
            let generation = state.access.credential_generation();
            let read = db::api_tokens::credential(&state.db, prefix).await?;
            if let Some(generation) = generation {
                state.access.store_credential(prefix, generation, read.clone());
            }
            read
        }
    };
    let credential = credential
        .filter(|c| api_token::matches(&c.secret_hash, secret))
        .ok_or(ApiError::Unauthenticated(INVALID))?;
    if !credential.usable || credential.expires_at.is_some_and(|at| at <= chrono::Utc::now()) {
        return Err(ApiError::Unauthenticated(INVALID));
    }
    if credential.creator_must_enrol_mfa {
        return Err(ApiError::MfaEnrolmentRequired);
    }
    if state.access.should_touch(credential.id) {
        db::api_tokens::touch(&state.db, credential.id, ip).await?;
    }
    Ok(Principal {
        admin_id: credential.created_by,
        email: credential.creator_email,
        via: Credential::Token {
            token_id: credential.id,
            name: credential.name,
        },
        permissions: permission_set(&credential.permissions),
    })
}
