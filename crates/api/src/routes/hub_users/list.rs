use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::hub_users::{HubRole, HubUser};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::hub_users::{self, ListFilter, Sort};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, parse_sort, sorted_page};
use crate::openapi::responses::ValidationFailed;
use crate::validate;

/// Filters and sort of `GET /api/v1/users`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HubUserFilter {
    /// Part of the name or email.
    pub q: Option<String>,
    /// Members of this organization.
    pub organization: Option<Uuid>,
    /// `viewer`, `member` or `admin`.
    pub role: Option<String>,
    /// `true` or `false`.
    pub enabled: Option<bool>,
    /// Users holding a grant on this MCP server.
    pub server: Option<Uuid>,
    /// `name` (default), `email` or `created_at`; prefix `-` for descending.
    pub sort: Option<String>,
}

/// List hub users with their organization (and its status).
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(HubUserFilter, PageParams),
    responses(
        (status = 200, description = "One page of hub users", body = Page<HubUser>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<HubUserFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<HubUser>>> {
    let mut errors = FieldErrors::new();
    let mut err = |field: &str, message: String| errors.entry(field.into()).or_default().push(message);
    let q = validate::optional_text(filter.q.as_deref(), 200)
        .map_err(|m| err("q", m))
        .unwrap_or_default();
    let role = validate::optional_choice::<HubRole>(filter.role.as_deref())
        .map_err(|m| err("role", m))
        .unwrap_or_default();
    let sort = parse_sort(filter.sort.as_deref(), Sort::LABELS).map_err(|m| err("sort", m));
    let limit = params.limit();
    let (Ok((label, sort, descending)), true) = (sort, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let after = params.after_sorted(&label, sort.is_time())?;
    let limit = limit?;
    let filter = ListFilter {
        q,
        organization: filter.organization,
        role,
        enabled: filter.enabled,
        server: filter.server,
    };
    let rows = hub_users::list(&state.db, &filter, (sort, descending), after, i64::from(limit) + 1).await?;
    let page = sorted_page(rows, limit, &label, |(u, key)| (key.clone(), u.id));
    Ok(ApiJson(omni_types::Page {
        items: page.items.into_iter().map(|(u, _)| u).collect(),
        next_cursor: page.next_cursor,
    }))
}
