use omni_types::Permission;
use omni_types::rbac::PermissionInfo;

use crate::http::json::ApiJson;

/// The permission catalogue: every permission a role can grant, with what it allows.
#[utoipa::path(
    get,
    path = "/api/v1/permissions",
    tag = "rbac",
    responses((status = 200, description = "All permissions, in catalogue order", body = Vec<PermissionInfo>))
)]
pub async fn permissions() -> ApiJson<Vec<PermissionInfo>> {
    ApiJson(
        Permission::ALL
            .iter()
            .map(|p| PermissionInfo {
                name: p.as_str().to_owned(),
                description: p.description().to_owned(),
            })
            .collect(),
    )
}
