use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Permission;

use crate::components::icons::{Icon, IconSvg};
use crate::routes;

/// In place of a page the signed-in admin may not see: reached by a shared link, an old
/// bookmark, or roles that changed since sign-in.
#[component]
pub fn PermissionRequired(permission: Permission) -> impl IntoView {
    view! {
        <section class="notice" aria-labelledby="permission-required-title">
            <span class="notice__icon">
                <IconSvg icon=Icon::Shield />
            </span>
            <div class="notice__body">
                <h2 id="permission-required-title">
                    "You need the " <code>{permission.as_str()}</code> " permission"
                </h2>
                <p class="muted">
                    {format!(
                        "This page needs the {permission} permission ({}). An owner can give you a role that includes it.",
                        permission.description().to_lowercase(),
                    )}
                </p>
                <A href=routes::PROFILE.href() attr:class="button button--secondary">
                    "See your permissions"
                </A>
            </div>
        </section>
    }
}
