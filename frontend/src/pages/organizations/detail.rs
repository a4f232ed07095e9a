//! `/organizations/{id}`: one organization. Its overview and settings overrides, its
//! members and MCP servers, its status history; edit, suspend / activate, delete, and
//! "Open as admin".

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use omni_types::Permission;
use omni_types::orgs::{OrgRef, OrgStatus, Organization};
use uuid::Uuid;

use super::delete::DeleteDialog;
use super::form::OrgForm;
use super::members::{Members, OrgServers};
use super::settings::{SettingsOverrides, budget_text, rate_text};
use super::status::{StatusDialog, StatusHistory};
use super::{plan_label, use_can_write};
use crate::components::error_panel::ErrorPanel;
use crate::components::local_time::LocalTime;
use crate::components::org_status::OrgStatusBadge;
use crate::components::permission_required::RequirePermission;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, Show, Transition, memo};
use crate::routes;
use crate::state::{use_api, use_scope, use_session};

#[component]
pub fn OrganizationDetailPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::OrgsRead title="Organization" summary="One organization, its users and its MCP servers.">
            <OrgDetail />
        </RequirePermission>
    }
}

/// How the organization appears on what belongs to it, and in the scope chip.
pub fn org_ref(org: &Organization) -> OrgRef {
    OrgRef {
        id: org.id,
        slug: org.slug.clone(),
        name: org.name.clone(),
        status: org.status,
        status_reason: org.status_reason.clone(),
        status_changed_at: org.status_changed_at,
    }
}

#[component]
fn OrgDetail() -> impl IntoView {
    let api = use_api();
    let scope = use_scope();
    let params = use_params_map();
    let id = memo(move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    let org = Loader::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api.organization(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| org.refetch());
    let content = move || {
        Suspend::new(async move {
            match org.await {
                Ok(Some(found)) => {
                    scope.refresh(found.id, Some(org_ref(&found)));
                    view! { <OrgView org=found /> }.into_any()
                }
                Ok(None) => not_found().into_any(),
                Err(error) if error.status() == Some(404) => {
                    if let Some(id) = id.get_untracked() {
                        scope.refresh(id, None);
                    }
                    not_found().into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the organization" error on_retry=reload retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    view! {
        <p class="back-link">
            <A href=routes::ORGANIZATIONS.href()>"← All organizations"</A>
        </p>
        <Transition fallback=DetailSkeleton set_pending=reloading>
            {content}
        </Transition>
    }
}

fn not_found() -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>"Organization not found"</h1>
        </header>
        <div class="alert alert--error" role="alert">
            <p>"There is no organization at this address. It may have been deleted, or the link is mistyped."</p>
        </div>
    }
}

#[component]
fn OrgView(org: Organization) -> impl IntoView {
    let session = use_session();
    let scope = use_scope();
    let can_write = use_can_write();
    let can = move |permission: Permission| session.with_admin(|a| a.is_some_and(|a| a.can(permission)));
    let (can_see_users, can_see_servers) = (can(Permission::UsersRead), can(Permission::McpRead));
    let id = org.id;
    let current = RwSignal::new(org);
    // A status change: the history asks again.
    let history_version = RwSignal::new(0u32);
    let editing = RwSignal::new(false);
    let changing_status = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let updated = Callback::new(move |org: Organization| {
        scope.refresh(org.id, Some(org_ref(&org)));
        current.set(org);
    });
    let scoped = memo(move || scope.is(id));
    let toggle_scope = move |_| {
        if scoped.get_untracked() {
            scope.clear();
            notice.set(Some("The console is no longer scoped to an organization.".into()));
        } else {
            let org = current.with_untracked(org_ref);
            notice.set(Some(format!(
                "You are now working as {}'s admin: the header shows the scope, and scoped views (such as Users) show this organization only.",
                org.name
            )));
            scope.open(org);
        }
    };
    let suspended = move || current.with(|o| o.status == OrgStatus::Suspended);

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{move || current.with(|o| o.name.clone())}</h1>
                <p class="muted org-heading">
                    <code>{move || current.with(|o| o.slug.clone())}</code>
                    <span>{move || current.with(|o| plan_label(o.plan))}</span>
                    {move || current.with(|o| view! {
                        <OrgStatusBadge status=o.status reason=o.status_reason.clone() since=o.status_changed_at detailed=true />
                    })}
                </p>
            </div>
            <div class="page-header__actions">
                <button
                    type="button"
                    class="button"
                    class:button--primary=move || !scoped.get()
                    class:button--secondary=move || scoped.get()
                    aria-pressed=move || scoped.get().to_string()
                    on:click=toggle_scope
                >
                    {move || if scoped.get() { "Leave admin scope" } else { "Open as admin" }}
                </button>
                <Show when=move || can_write.get()>
                    <button type="button" class="button button--secondary" on:click=move |_| editing.set(true)>"Edit"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| changing_status.set(true)>
                        {move || if suspended() { "Activate" } else { "Suspend" }}
                    </button>
                    <button type="button" class="button button--ghost button--danger-text" on:click=move |_| deleting.set(true)>
                        "Delete"
                    </button>
                </Show>
            </div>
        </header>
        {move || notice.get().map(|text| view! { <p class="alert alert--info" role="status">{text}</p> })}
        {move || suspended().then(|| view! {
            <div class="alert alert--error" role="note" data-testid="org-suspended">
                <p>
                    <strong>"Suspended. "</strong>
                    "Its users can call nothing, and its usage events are refused, until it is activated."
                </p>
            </div>
        })}
        <Overview org=current.into() />
        <Show when=move || can_write.get()>
            <SettingsOverrides org=current.get_untracked() on_saved=updated />
        </Show>
        {can_see_users.then(|| view! { <Members org=current.into() /> })}
        {can_see_servers.then(|| view! { <OrgServers id /> })}
        <StatusHistory id version=history_version.into() />
        <Show when=move || editing.get()>
            <OrgForm org=Some(current.get_untracked()) on_saved=updated on_close=Callback::new(move |()| editing.set(false)) />
        </Show>
        <Show when=move || changing_status.get()>
            <StatusDialog
                org=current.get_untracked()
                on_changed=Callback::new(move |org: Organization| {
                    notice.set(Some(match org.status {
                        OrgStatus::Suspended => "The organization is suspended.".to_owned(),
                        OrgStatus::Active => "The organization is active again.".to_owned(),
                    }));
                    updated.run(org);
                    history_version.update(|v| *v += 1);
                })
                on_close=Callback::new(move |()| changing_status.set(false))
            />
        </Show>
        <Show when=move || deleting.get()>
            <DeleteDialog org=current.get_untracked() on_close=Callback::new(move |()| deleting.set(false)) />
        </Show>
    }
}

#[component]
fn Overview(org: Signal<Organization>) -> impl IntoView {
    view! {
        <section class="card mcp-overview" aria-labelledby="org-overview-title">
            <h2 id="org-overview-title" class="card__title">"Overview"</h2>
            <dl class="facts">
                <div><dt>"Users"</dt><dd data-testid="org-user-count">{move || org.with(|o| o.user_count)}</dd></div>
                <div><dt>"MCP servers owned"</dt><dd>{move || org.with(|o| o.server_count)}</dd></div>
                <div><dt>"Calls (30 days)"</dt><dd data-testid="org-calls-30d">{move || org.with(|o| o.calls_30d)}</dd></div>
                <div><dt>"Cost (30 days)"</dt><dd>{move || org.with(|o| format!("${:.2}", o.cost_30d_usd))}</dd></div>
                <div><dt>"Plan"</dt><dd>{move || org.with(|o| plan_label(o.plan))}</dd></div>
                <div><dt>"Monthly budget"</dt><dd data-testid="org-budget">{move || org.with(|o| budget_text(o.settings.monthly_budget_cents))}</dd></div>
                <div><dt>"Rate limit"</dt><dd>{move || org.with(|o| rate_text(o.settings.rate_limit_per_minute))}</dd></div>
                <div><dt>"Allowed MCP servers"</dt><dd>{move || org.with(|o| match &o.settings.allowed_mcp_servers {
                    None => "All servers".to_owned(),
                    Some(ids) if ids.is_empty() => "Only its own".to_owned(),
                    Some(ids) => format!("{} chosen, and its own", ids.len()),
                })}</dd></div>
                <div><dt>"Created"</dt><dd>{move || view! { <LocalTime at=org.with(|o| o.created_at) /> }}</dd></div>
                <div><dt>"Last changed"</dt><dd>{move || view! { <LocalTime at=org.with(|o| o.updated_at) /> }}</dd></div>
                <div><dt>"Organization id"</dt><dd class="mono small break">{move || org.with(|o| o.id.to_string())}</dd></div>
            </dl>
        </section>
    }
}

#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading the organization…">
            <div class="stack">
                <SkeletonLine width="14rem" tall=true />
                <div class="card">
                    <SkeletonLine width="40%" />
                    <SkeletonLine width="70%" />
                    <SkeletonLine width="55%" />
                </div>
                <div class="card">
                    <SkeletonLine width="50%" />
                    <SkeletonLine width="30%" />
                </div>
            </div>
        </SkeletonBlock>
    }
}
