use std::collections::BTreeMap;
use std::str::FromStr;

use leptos::prelude::*;
use omni_types::Permission;

/// The admin's effective permissions, one group per resource (`mcp:read` → `mcp`).
#[component]
pub fn PermissionList(permissions: Vec<String>) -> impl IntoView {
    if permissions.is_empty() {
        return view! {
            <p class="empty">"No permissions yet. An owner can give you a role that grants some."</p>
        }
        .into_any();
    }
    let groups = by_resource(&permissions)
        .into_iter()
        .map(|(resource, actions)| {
            let items = actions
                .into_iter()
                .map(|(name, action)| {
                    let description = Permission::from_str(&name).ok().map(Permission::description);
                    view! {
                        <li class="permission">
                            <code class="permission__name">{action}</code>
                            {description.map(|d| view! { <span class="permission__description">{d}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="permission-group">
                    <h3 class="permission-group__title">{resource}</h3>
                    <ul class="permission-group__list">{items}</ul>
                </div>
            }
        })
        .collect_view();
    view! { <div class="permission-groups">{groups}</div> }.into_any()
}

/// Full names and their action part, grouped by resource; both in name order.
fn by_resource(permissions: &[String]) -> BTreeMap<String, Vec<(String, String)>> {
    let mut groups: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for name in permissions {
        let (resource, action) = name.split_once(':').unwrap_or((name.as_str(), name.as_str()));
        groups
            .entry(resource.to_owned())
            .or_default()
            .push((name.clone(), action.to_owned()));
    }
    for actions in groups.values_mut() {
        actions.sort();
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_the_part_before_the_colon() {
        let names = ["mcp:write", "audit:read", "mcp:read", "legacy"].map(String::from);
        let groups = by_resource(&names);
        assert_eq!(groups.keys().collect::<Vec<_>>(), ["audit", "legacy", "mcp"]);
        let mcp: Vec<_> = groups["mcp"].iter().map(|(_, action)| action.as_str()).collect();
        assert_eq!(mcp, ["read", "write"]);
        assert_eq!(groups["legacy"], [("legacy".to_owned(), "legacy".to_owned())]);
    }
}
