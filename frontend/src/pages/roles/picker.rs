//! Permission checkboxes, one group per resource (`mcp:read` → `mcp`). The role editor
//! offers the whole catalogue; the token form only what the admin holds.

use std::collections::BTreeSet;

use leptos::prelude::*;
use omni_types::rbac::PermissionInfo;

#[component]
pub fn PermissionPicker(
    /// Prefix of the checkboxes' ids, unique on the page.
    id: &'static str,
    legend: &'static str,
    available: Vec<PermissionInfo>,
    selected: RwSignal<BTreeSet<String>>,
    /// Shown but not editable (the owner role keeps every permission).
    #[prop(into, optional)]
    locked: Signal<bool>,
    #[prop(into)] errors: Signal<Vec<String>>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    let groups = groups(available)
        .into_iter()
        .map(|(resource, permissions)| {
            let boxes = permissions
                .into_iter()
                .map(|permission| {
                    let box_id = format!("{id}-{}", permission.name.replace(':', "-"));
                    let name = StoredValue::new(permission.name.clone());
                    let toggle = move |checked: bool| {
                        selected.update(|set| {
                            let name = name.get_value();
                            if checked {
                                set.insert(name);
                            } else {
                                set.remove(&name);
                            }
                        });
                    };
                    view! {
                        <li class="checkbox">
                            <input
                                type="checkbox"
                                id=box_id.clone()
                                value=permission.name.clone()
                                prop:checked=move || selected.with(|set| name.with_value(|n| set.contains(n)))
                                disabled=move || locked.get()
                                on:change=move |ev| toggle(event_target_checked(&ev))
                            />
                            <label for=box_id>
                                <code>{permission.name}</code>
                                <span class="checkbox__hint">{permission.description}</span>
                            </label>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="permission-picker__group">
                    <legend>{resource}</legend>
                    <ul>{boxes}</ul>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <fieldset class="permission-picker" aria-describedby=errors_id.clone()>
            <legend class="field__label">{legend}</legend>
            <div class="permission-picker__groups">{groups}</div>
            <ul class="field__errors" id=errors_id.clone()>
                {move || {
                    errors.get().into_iter().map(|message| view! { <li>{format!("Permissions {message}.")}</li> }).collect_view()
                }}
            </ul>
        </fieldset>
    }
}

/// Permissions by resource, resources and permissions in the order given.
pub fn groups(permissions: Vec<PermissionInfo>) -> Vec<(String, Vec<PermissionInfo>)> {
    let mut groups: Vec<(String, Vec<PermissionInfo>)> = Vec::new();
    for permission in permissions {
        let resource = resource_of(&permission.name).to_owned();
        match groups.iter_mut().find(|(r, _)| *r == resource) {
            Some((_, list)) => list.push(permission),
            None => groups.push((resource, vec![permission])),
        }
    }
    groups
}

pub fn resource_of(name: &str) -> &str {
    name.split_once(':').map_or(name, |(resource, _)| resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> PermissionInfo {
        PermissionInfo {
            name: name.into(),
            description: String::new(),
        }
    }

    #[test]
    fn groups_keep_catalogue_order() {
        let grouped = groups(["admins:read", "audit:read", "admins:manage"].map(info).to_vec());
        let names: Vec<(&str, Vec<&str>)> = grouped
            .iter()
            .map(|(r, list)| (r.as_str(), list.iter().map(|p| p.name.as_str()).collect()))
            .collect();
        assert_eq!(
            names,
            [
                ("admins", vec!["admins:read", "admins:manage"]),
                ("audit", vec!["audit:read"])
            ]
        );
    }
}
