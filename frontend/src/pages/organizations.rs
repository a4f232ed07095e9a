//! `/organizations`: the tenants hub users belong to (SPEC ORG-1..5). The list with its
//! filters is here; the create/edit dialog is `form`, one organization is `detail`.

mod delete;
mod detail;
mod form;
mod list;
mod members;
mod settings;
mod status;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use omni_types::Permission;
use omni_types::orgs::{OrgStatus, Organization, Plan};

use crate::api::OrgFilter;
use crate::components::error_panel::load_failure;
use crate::components::org_status::status_label;
use crate::components::permission_required::RequirePermission;
use crate::reactive::{Loader, Show, Transition, effect, memo};
use crate::routes;
use crate::state::{use_api, use_session};
pub use detail::OrganizationDetailPage;
use form::OrgForm;
use list::{OrgList, OrgsSkeleton};

const SUMMARY: &str = "The tenants of your hub: their plan, their status, their users and the MCP servers they own.";

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::OrgsRead title=routes::ORGANIZATIONS.title summary=SUMMARY>
            <Organizations />
        </RequirePermission>
    }
}

/// Whether the signed-in admin may create, change, suspend and delete organizations.
fn use_can_write() -> Memo<bool> {
    let session = use_session();
    memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(Permission::OrgsWrite))))
}

pub fn plan_label(plan: Plan) -> &'static str {
    match plan {
        Plan::Free => "Free",
        Plan::Team => "Team",
        Plan::Business => "Business",
        Plan::Enterprise => "Enterprise",
    }
}

#[component]
fn Organizations() -> impl IntoView {
    let api = use_api();
    let can_write = use_can_write();
    let navigate = use_navigate();
    let filter = RwSignal::new(OrgFilter::default());
    let orgs = Loader::new(move || {
        let filter = filter.get();
        async move { api.organizations(&filter, None).await.map(|page| (filter, page)) }
    });
    let reloading = RwSignal::new(false);
    let reload = Callback::new(move |()| orgs.refetch());
    let adding = RwSignal::new(false);
    let open_form = Callback::new(move |()| adding.set(true));

    let list = move || {
        Suspend::new(async move {
            match orgs.await {
                Ok((applied, first)) => view! {
                    <OrgList
                        filter=applied
                        first
                        on_clear=Callback::new(move |()| filter.set(OrgFilter::default()))
                        on_add=can_write.get_untracked().then_some(open_form)
                    />
                }
                .into_any(),
                Err(error) => load_failure(
                    error,
                    Permission::OrgsRead,
                    "Could not load the organizations",
                    reload,
                    reloading,
                ),
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::ORGANIZATIONS.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <Show when=move || can_write.get()>
                <div class="page-header__actions">
                    <button type="button" class="button button--primary" on:click=move |_| adding.set(true)>
                        "New organization"
                    </button>
                </div>
            </Show>
        </header>
        <OrgFilters filter />
        <section class="settings-list" aria-label="Organizations" aria-busy=move || reloading.get().to_string()>
            <Transition fallback=OrgsSkeleton set_pending=reloading>
                {list}
            </Transition>
        </section>
        <Show when=move || adding.get()>
            <OrgForm
                org=None
                on_saved=Callback::new({
                    let navigate = navigate.clone();
                    move |created: Organization| navigate(&routes::ORGANIZATIONS.item_href(created.id), NavigateOptions::default())
                })
                on_close=Callback::new(move |()| adding.set(false))
            />
        </Show>
    }
}

/// Search (on Enter), status, plan and sort (as soon as they change).
#[component]
fn OrgFilters(filter: RwSignal<OrgFilter>) -> impl IntoView {
    let q = RwSignal::new(filter.get_untracked().q);
    // "Clear filters" (from the empty state) clears the typed text too.
    effect(move || q.set(filter.with(|f| f.q.clone())));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = q.get_untracked().trim().to_owned();
        filter.update(|f| f.q = text);
    };
    let statuses = OrgStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str()>{status_label(*s)}</option> })
        .collect_view();
    let plans = Plan::ALL
        .iter()
        .map(|p| view! { <option value=p.as_str()>{plan_label(*p)}</option> })
        .collect_view();
    view! {
        <form class="card filters settings-filters" role="search" aria-label="Filter the organizations" on:submit=on_submit>
            <div class="field">
                <label class="field__label" for="orgs-q">"Search"</label>
                <input
                    id="orgs-q"
                    class="input"
                    type="search"
                    placeholder="Name or slug"
                    prop:value=move || q.get()
                    on:input:target=move |ev| q.set(ev.target().value())
                />
            </div>
            <div class="field">
                <label class="field__label" for="orgs-status">"Status"</label>
                <select
                    id="orgs-status"
                    class="input"
                    prop:value=move || filter.with(|f| f.status.clone())
                    on:change=move |ev| {
                        let status = event_target_value(&ev);
                        filter.update(|f| f.status = status);
                    }
                >
                    <option value="">"Any status"</option>
                    {statuses}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="orgs-plan">"Plan"</label>
                <select
                    id="orgs-plan"
                    class="input"
                    prop:value=move || filter.with(|f| f.plan.clone())
                    on:change=move |ev| {
                        let plan = event_target_value(&ev);
                        filter.update(|f| f.plan = plan);
                    }
                >
                    <option value="">"Any plan"</option>
                    {plans}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="orgs-sort">"Sort"</label>
                <select
                    id="orgs-sort"
                    class="input"
                    prop:value=move || filter.with(|f| f.sort.clone())
                    on:change=move |ev| {
                        let sort = event_target_value(&ev);
                        filter.update(|f| f.sort = sort);
                    }
                >
                    <option value="">"Name, A to Z"</option>
                    <option value="-name">"Name, Z to A"</option>
                    <option value="slug">"Slug"</option>
                    <option value="-created_at">"Newest first"</option>
                    <option value="created_at">"Oldest first"</option>
                </select>
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--secondary">"Search"</button>
            </div>
        </form>
    }
}
