use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::orgs::{OrgStatus, Organization, Plan};
use serde::Deserialize;

use crate::app::AppState;
use crate::db::orgs::{self, ListFilter, Sort};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, parse_sort, sorted_page};
use crate::openapi::responses::ValidationFailed;
use crate::validate;

/// Filters and sort of `GET /api/v1/organizations`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgFilter {
    /// Part of the name or slug.
    pub q: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
    /// `free`, `team`, `business` or `enterprise`.
    pub plan: Option<String>,
    /// `name` (default), `slug` or `created_at`; prefix `-` for descending.
    pub sort: Option<String>,
}

/// List organizations with their user and server counts.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "organizations",
    params(OrgFilter, PageParams),
    responses(
        (status = 200, description = "One page of organizations", body = Page<Organization>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<OrgFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<Organization>>> {
    let mut errors = FieldErrors::new();
    let mut err = |field: &str, message: String| errors.entry(field.into()).or_default().push(message);
    let q = validate::optional_text(filter.q.as_deref(), 200)
        .map_err(|m| err("q", m))
        .unwrap_or_default();
    let status = validate::optional_choice::<OrgStatus>(filter.status.as_deref())
        .map_err(|m| err("status", m))
        .unwrap_or_default();
    let plan = validate::optional_choice::<Plan>(filter.plan.as_deref())
        .map_err(|m| err("plan", m))
        .unwrap_or_default();
    let sort = parse_sort(filter.sort.as_deref(), Sort::LABELS).map_err(|m| err("sort", m));
    let limit = params.limit();
    let (Ok((label, sort, descending)), true) = (sort, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let after = params.after_sorted(&label, sort.is_time())?;
    let limit = limit?;
    let filter = ListFilter { q, status, plan };
    let rows = orgs::list(&state.db, &filter, (sort, descending), after, i64::from(limit) + 1).await?;
    let page = sorted_page(rows, limit, &label, |(o, key)| (key.clone(), o.id));
    Ok(ApiJson(omni_types::Page {
        items: page.items.into_iter().map(|(o, _)| o).collect(),
        next_cursor: page.next_cursor,
    }))
}
