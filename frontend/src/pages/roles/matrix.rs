//! Which role grants which permission, at a glance: permissions down, roles across.

use leptos::prelude::*;
use omni_types::rbac::{PermissionInfo, Role};

#[component]
pub fn PermissionMatrix(roles: Vec<Role>, permissions: Vec<PermissionInfo>) -> impl IntoView {
    let headers = roles
        .iter()
        .map(|role| view! { <th scope="col">{role.name.clone()}</th> })
        .collect_view();
    let rows = permissions
        .into_iter()
        .map(|permission| {
            let cells = roles
                .iter()
                .map(|role| {
                    let granted = role.permissions.contains(&permission.name);
                    view! {
                        <td class="matrix__cell" class:matrix__cell--granted=granted>
                            <span aria-hidden="true">{if granted { "✓" } else { "·" }}</span>
                            <span class="visually-hidden">{if granted { "Granted" } else { "Not granted" }}</span>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row" class="matrix__permission">
                        <code>{permission.name}</code>
                        <span class="muted small block">{permission.description}</span>
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="matrix-title">
            <h2 id="matrix-title" class="card__title">"Permission matrix"</h2>
            // Wide with many roles: it scrolls on its own, and can be scrolled by keyboard.
            <div class="matrix-scroll" tabindex="0" role="region" aria-labelledby="matrix-title">
                <table class="matrix" data-testid="permission-matrix">
                    <caption class="visually-hidden">"Permissions granted by each role"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Permission"</th>
                            {headers}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
