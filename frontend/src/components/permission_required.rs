use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Permission;

use crate::components::icons::{Icon, IconSvg};
use crate::reactive::{Show, memo};
use crate::routes;
use crate::state::use_session;

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

/// A page that needs `permission`: its content for admins who hold it, otherwise its
/// heading and the [`PermissionRequired`] notice (no request is made).
#[component]
pub fn RequirePermission(
    permission: Permission,
    title: &'static str,
    summary: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let allowed = memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(permission))));
    view! {
        <Show
            when=move || allowed.get()
            fallback=move || {
                view! {
                    <header class="page-header">
                        <h1>{title}</h1>
                        <p class="muted">{summary}</p>
                    </header>
                    <PermissionRequired permission />
                }
            }
        >
            {children()}
        </Show>
    }
}
