//! `/users/{id}`: one hub user. Their profile, enabling and disabling, what they are
//! granted (the permissions editor), what they can call in effect and why, "Test a call",
//! and deleting them.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use omni_types::Permission;
use omni_types::hub_users::{HubUser, UpdateHubUser};
use uuid::Uuid;

use super::effective::EffectivePermissionsView;
use super::grants::GrantsEditor;
use super::list::EnabledBadge;
use super::profile::ProfileForm;
use super::test_call::TestCall;
use super::{role_label, use_can_write};
use crate::components::error_panel::ErrorPanel;
use crate::components::local_time::LocalTime;
use crate::components::modal::ConfirmDialog;
use crate::components::org_status::OrgLabel;
use crate::components::permission_required::RequirePermission;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, LocalAction, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_session};

#[component]
pub fn UserDetailPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::UsersRead title="User" summary="One hub user and what they may call.">
            <UserDetail />
        </RequirePermission>
    }
}

#[component]
fn UserDetail() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = memo(move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    let user = Loader::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api.user(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| user.refetch());
    let content = move || {
        Suspend::new(async move {
            match user.await {
                Ok(Some(found)) => view! { <UserView user=found /> }.into_any(),
                Ok(None) => not_found().into_any(),
                Err(error) if error.status() == Some(404) => not_found().into_any(),
                Err(error) => view! {
                    <ErrorPanel title="Could not load the user" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <p class="back-link">
            <A href=routes::USERS.href()>"← All users"</A>
        </p>
        <Transition fallback=DetailSkeleton set_pending=reloading>
            {content}
        </Transition>
    }
}

fn not_found() -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>"User not found"</h1>
        </header>
        <div class="alert alert--error" role="alert">
            <p>"There is no hub user at this address. They may have been deleted, or the link is mistyped."</p>
        </div>
    }
}

#[component]
fn UserView(user: HubUser) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let can_write = use_can_write();
    let can_test = session.with_admin(|a| a.is_some_and(|a| a.can(Permission::UsersAuthorize)));
    let navigate = use_navigate();
    let id = user.id;
    let current = RwSignal::new(user);
    // Anything that changes what the user may call: the effective view asks again.
    let version = RwSignal::new(0u32);
    let bump = move || version.update(|v| *v += 1);
    let effective = Loader::new(move || {
        version.track();
        async move { api.user_effective_permissions(id).await }
    });
    let changed = Callback::new(move |user: HubUser| {
        current.set(user);
        bump();
    });
    // A move to another organization changes the servers the user can be granted, and
    // drops grants on the old one's: the editor starts again. Nothing else rebuilds it,
    // so unsaved choices survive, say, disabling the user.
    let organization = memo(move || current.with(|u| u.organization.id));

    let toggle = LocalAction::new(move |enabled: &bool| {
        let change = UpdateHubUser {
            enabled: Some(*enabled),
            ..UpdateHubUser::default()
        };
        async move { api.user_update(id, &change).await }
    });
    effect(move || {
        if let Some(Ok(user)) = toggle.value().get() {
            changed.run(user);
        }
    });
    let deleting = RwSignal::new(false);
    let delete = LocalAction::new(move |_: &()| async move { api.user_delete(id).await });
    effect(move || {
        if let Some(Ok(())) = delete.value().get() {
            navigate(&routes::USERS.href(), NavigateOptions::default());
        }
    });
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let enabled = move || current.with(|u| u.enabled);

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{move || current.with(|u| u.name.clone())}</h1>
                <p class="muted user-heading">
                    <span>{move || current.with(|u| u.email.clone())}</span>
                    {move || view! { <EnabledBadge enabled=enabled() /> }}
                    {move || view! { <OrgLabel org=current.with(|u| u.organization.clone()) /> }}
                </p>
            </div>
            <Show when=move || can_write.get()>
                <div class="page-header__actions">
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || toggle.pending().get()
                        aria-busy=move || toggle.pending().get().to_string()
                        on:click=move |_| {
                            toggle.dispatch(!current.with_untracked(|u| u.enabled));
                        }
                    >
                        {move || if enabled() { "Disable" } else { "Enable" }}
                    </button>
                    <button type="button" class="button button--ghost button--danger-text" on:click=move |_| deleting.set(true)>
                        "Delete"
                    </button>
                </div>
            </Show>
        </header>
        {move || toggle.value().get().and_then(Result::err).map(|e| view! {
            <p class="inline-error" role="alert">{format!("Could not change the user: {e}")}</p>
        })}
        <Account user=current.into() />
        <Show when=move || can_write.get()>
            <ProfileForm user=current.get_untracked() on_saved=changed />
        </Show>
        {move || {
            let organization = organization.get();
            view! { <GrantsEditor user=id organization editable=can_write on_saved=Callback::new(move |()| bump()) /> }
        }}
        <EffectivePermissionsView effective />
        {can_test.then(|| view! { <TestCall user=id effective /> })}
        <Show when=move || deleting.get()>
            <ConfirmDialog
                title="Delete this user?"
                message=format!(
                    "{} ({}) is deleted with their grants. The hub refuses their calls from now on. This cannot be undone.",
                    current.with_untracked(|u| u.name.clone()),
                    current.with_untracked(|u| u.email.clone()),
                )
                confirm_label="Delete user"
                danger=true
                pending=delete.pending()
                error=delete_error
                on_confirm=Callback::new(move |()| {
                    delete.dispatch(());
                })
                on_close=Callback::new(move |()| {
                    delete.value().set(None);
                    deleting.set(false);
                })
            />
        </Show>
    }
}

#[component]
fn Account(user: Signal<HubUser>) -> impl IntoView {
    view! {
        <section class="card mcp-overview" aria-labelledby="user-account-title">
            <h2 id="user-account-title" class="card__title">"Account"</h2>
            <dl class="facts">
                <div><dt>"Organization"</dt><dd>{move || view! { <OrgLabel org=user.with(|u| u.organization.clone()) /> }}</dd></div>
                <div><dt>"Role"</dt><dd>{move || user.with(|u| role_label(u.role))}</dd></div>
                <div><dt>"Status"</dt><dd>{move || view! { <EnabledBadge enabled=user.with(|u| u.enabled) /> }}</dd></div>
                <div><dt>"Servers granted"</dt><dd>{move || user.with(|u| u.grant_count)}</dd></div>
                <div><dt>"External ids"</dt><dd class="mono small break">{move || user.with(|u| {
                    if u.external_ids.is_empty() {
                        "None".to_owned()
                    } else {
                        u.external_ids.iter().map(|(p, id)| format!("{p}: {id}")).collect::<Vec<_>>().join(", ")
                    }
                })}</dd></div>
                <div><dt>"Created"</dt><dd>{move || view! { <LocalTime at=user.with(|u| u.created_at) /> }}</dd></div>
                <div><dt>"Last changed"</dt><dd>{move || view! { <LocalTime at=user.with(|u| u.updated_at) /> }}</dd></div>
                <div><dt>"User id"</dt><dd class="mono small break">{move || user.with(|u| u.id.to_string())}</dd></div>
            </dl>
        </section>
    }
}

#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading the user…">
            <div class="stack">
                <SkeletonLine width="14rem" tall=true />
                <div class="card">
                    <SkeletonLine width="40%" />
                    <SkeletonLine width="60%" />
                    <SkeletonLine width="35%" />
                </div>
                <div class="card">
                    <SkeletonLine width="50%" />
                    <SkeletonLine width="30%" />
                </div>
            </div>
        </SkeletonBlock>
    }
}
