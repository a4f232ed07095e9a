//! `/profile`: who the signed-in admin is and what they may do.

mod permissions;

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::auth::Me;

use crate::components::error_panel::BoundaryError;
use crate::components::local_time::LocalTime;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::pages::security::MfaBadge;
use crate::reactive::{Loader, Transition};
use crate::routes;
use crate::state::use_api;
use permissions::PermissionList;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let api = use_api();
    let me = Loader::new(move || async move { api.me().await });
    let reloading = RwSignal::new(false);
    let retry = Callback::new(move |()| me.refetch());

    view! {
        <header class="page-header">
            <h1>"Profile"</h1>
            <p class="muted">"Your account, your roles and the permissions they give you."</p>
        </header>
        <Transition fallback=ProfileSkeleton set_pending=reloading>
            <ErrorBoundary fallback=move |errors| {
                view! { <BoundaryError title="Could not load your profile" errors on_retry=retry retrying=reloading /> }
            }>
                {move || Suspend::new(async move { me.await.map(|me| view! { <ProfileDetails me /> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn ProfileDetails(me: Me) -> impl IntoView {
    let roles = if me.roles.is_empty() {
        view! { <p class="empty">"No roles assigned."</p> }.into_any()
    } else {
        let badges = me
            .roles
            .into_iter()
            .map(|role| view! { <li class="badge">{role}</li> })
            .collect_view();
        view! { <ul class="badges" aria-label="Roles">{badges}</ul> }.into_any()
    };
    view! {
        <div class="stack">
            <section class="card" aria-labelledby="account-heading">
                <h2 id="account-heading" class="card__title">"Account"</h2>
                <dl class="details">
                    <dt>"Display name"</dt>
                    <dd>{me.display_name}</dd>
                    <dt>"Email"</dt>
                    <dd>{me.email}</dd>
                    <dt>"Admin id"</dt>
                    <dd>
                        <code>{me.id.to_string()}</code>
                    </dd>
                    <dt>"Created"</dt>
                    <dd>
                        <LocalTime at=me.created_at />
                    </dd>
                    <dt>"Two-factor authentication"</dt>
                    <dd class="profile-mfa">
                        <MfaBadge enabled=me.mfa_enabled />
                        <A href=routes::SECURITY.href()>"Manage security"</A>
                    </dd>
                    <dt>"Last sign-in"</dt>
                    <dd>
                        {match me.last_login_at {
                            Some(at) => view! { <LocalTime at /> }.into_any(),
                            None => "Never".into_any(),
                        }}
                    </dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="roles-heading">
                <h2 id="roles-heading" class="card__title">"Roles"</h2>
                {roles}
            </section>
            <section class="card" aria-labelledby="permissions-heading">
                <h2 id="permissions-heading" class="card__title">"Permissions"</h2>
                <p class="muted small">"Everything your roles allow, grouped by what it applies to."</p>
                <PermissionList permissions=me.permissions />
            </section>
        </div>
    }
}

#[component]
fn ProfileSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading your profile…">
            <div class="stack">
                <div class="card">
                    <SkeletonLine width="8rem" tall=true />
                    <div class="details details--skeleton">
                        <SkeletonLine width="40%" />
                        <SkeletonLine width="60%" />
                        <SkeletonLine width="35%" />
                        <SkeletonLine width="70%" />
                        <SkeletonLine width="50%" />
                    </div>
                </div>
                <div class="card">
                    <SkeletonLine width="6rem" tall=true />
                    <SkeletonLine width="12rem" />
                </div>
                <div class="card">
                    <SkeletonLine width="9rem" tall=true />
                    <SkeletonLine width="90%" />
                    <SkeletonLine width="80%" />
                    <SkeletonLine width="85%" />
                </div>
            </div>
        </SkeletonBlock>
    }
}
