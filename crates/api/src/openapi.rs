//! The OpenAPI document: info, security scheme and shared problem responses. Paths come
//! from the handlers' `#[utoipa::path]` through `router.rs`, so they cannot drift.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::auth::access::BEARER_SCHEME;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Omni Admin API",
        description = "Control plane of an MCP hub: MCP servers, hub users, organizations, configuration, \
            usage, cost and security.\n\nErrors are RFC 9457 `application/problem+json`. Each operation \
            names the permission it needs (`x-required-permission`). Sign in with `POST /api/v1/auth/login`, \
            then use the access token as a bearer token (the **Authorize** button).",
        license(name = "Apache-2.0")
    ),
    components(
        schemas(omni_types::Problem),
        responses(
            responses::MalformedBody,
            responses::ValidationFailed,
            responses::Unauthenticated,
            responses::InvalidCredentials,
            responses::Forbidden,
            responses::NotFound,
            responses::RateLimited,
        )
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Sign-in, sessions and the signed-in admin"),
        (name = "admins", description = "Admins of this console, their roles, permission checks"),
        (name = "rbac", description = "Roles and permissions"),
        (name = "api-tokens", description = "Tokens for integrators, scoped to their creator's permissions"),
        (name = "audit", description = "The admin audit log: search, export, tamper check"),
        (name = "mcp-servers", description = "MCP servers: registry, live health, discovered tools and their changes"),
        (name = "organizations", description = "Organizations (tenants): plans, settings overrides, suspension"),
        (name = "users", description = "Hub users, their grants on MCP servers, and what they may call"),
        (name = "usage", description = "Usage events pushed by the hub, and the dead letters of refused ones"),
        (name = "analytics", description = "Calls, cost, latency and errors over time and by dimension, from rollups"),
        (name = "dashboard", description = "The console's home: hero cards, activity, health"),
        (name = "settings", description = "Platform settings"),
        (name = "config", description = "Configuration as code: the hub's configuration as one YAML document"),
        (name = "live", description = "Real-time updates over a WebSocket: health flips, audit entries, usage (see docs/REALTIME.md)"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from `POST /api/v1/auth/login` or `/auth/refresh`."))
                    .build(),
            ),
        );
    }
}

/// Named problem responses, referenced by handlers as `response = ValidationFailed`.
pub mod responses {
    use omni_types::problem::PROBLEM_CONTENT_TYPE;
    use utoipa::openapi::content::Content;
    use utoipa::openapi::response::{Response, ResponseBuilder};
    use utoipa::openapi::{Ref, RefOr};

    macro_rules! problem_responses {
        ($($name:ident => $description:literal;)+) => {$(
            #[doc = $description]
            pub struct $name;

            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    let content = Content::new(Some(Ref::from_schema_name("Problem")));
                    let response = ResponseBuilder::new().description($description).content(PROBLEM_CONTENT_TYPE, content).build();
                    (stringify!($name), RefOr::T(response))
                }
            }
        )+};
    }

    problem_responses! {
        MalformedBody => "The body is not valid JSON or has the wrong content type";
        ValidationFailed => "Validation failed; `errors` maps each field to its messages";
        Unauthenticated => "No valid access token (or session) was presented";
        InvalidCredentials => "The email or password is incorrect";
        Forbidden => "Signed in, but lacking the permission named in `missing_permission`";
        NotFound => "No such resource";
        Conflict => "The resource changed meanwhile, or the value is taken; `detail` says which";
        RateLimited => "Too many attempts; wait `Retry-After` seconds";
    }
}
