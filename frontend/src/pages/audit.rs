//! `/audit`: the admin audit log (SPEC AUDIT-3, AUDIT-4). Filters, the matching entries,
//! a drawer with each entry's fields and before/after diff, the chain check and CSV export.
//! The filter and the open entry live in the address (see `url`).

mod actor;
mod changes;
mod diff;
mod drawer;
mod export;
mod filters;
mod form;
mod results;
mod tail;
mod url;
mod verify;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use omni_types::audit::{AuditEntry, AuditFilter};
use omni_types::{Page, Permission};
use wasm_bindgen::JsValue;

use crate::api::ApiError;
use crate::components::error_panel::ErrorPanel;
use crate::components::icons::{Icon, IconSvg};
use crate::components::permission_required::{PermissionRequired, RequirePermission};
use crate::reactive::{Loader, LocalAction, Transition, memo};
use crate::routes;
use crate::state::use_api;
use drawer::EntryDrawer;
use export::{ExportAction, ExportButton, ExportOutcome};
use filters::Filters;
use form::Field;
use results::{Results, ResultsSkeleton};
use tail::LiveTailButton;
use url::Applied;
use verify::{VerifyAction, VerifyButton, VerifyOutcome};

const SUMMARY: &str = "Every sign-in and every change, by whom and from where, in a tamper-evident chain.";

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::AuditRead title=routes::AUDIT.title summary=SUMMARY>
            <AuditLog />
        </RequirePermission>
    }
}

/// What the list shows for the applied filter.
#[derive(Clone)]
enum Listing {
    Loaded(AuditFilter, Page<AuditEntry>),
    /// The link holds a time that is not one; nothing was asked of the server.
    InvalidLink,
    Failed(ApiError),
}

#[component]
fn AuditLog() -> impl IntoView {
    let api = use_api();
    let location = use_location();
    let navigate = use_navigate();
    let (query, search) = (location.query, location.search);
    let applied = memo(move || query.with(|q| Applied::parse(|name| q.get_str(name))));
    let entry = memo(move || query.with(|q| url::entry(q.get_str(url::ENTRY))));

    // The list's 422, for the form to show beside the fields. A signal of its own rather than
    // read from the resource: in reactive_graph 0.2 an effect that reads a resource while
    // its source is changing can swallow the resource's re-run.
    let rejected = RwSignal::new(None::<ApiError>);
    let listing = Loader::new(move || {
        let asked = applied.get();
        async move {
            if !asked.is_valid() {
                rejected.try_set(None);
                return Listing::InvalidLink;
            }
            let result = api.audit_list(&asked.filter, None).await;
            // A slow answer to an older filter must not speak for the current one.
            if applied.try_with_untracked(|now| *now == asked) == Some(true) {
                rejected.try_set(result.as_ref().err().filter(|e| e.status() == Some(422)).cloned());
            }
            match result {
                Ok(first) => Listing::Loaded(asked.filter, first),
                Err(error) => Listing::Failed(error),
            }
        }
    });
    // The live tail: off on arrival; it stays as set while the filter changes.
    let live_tail = RwSignal::new(false);
    let tail = Signal::from(live_tail);
    let reloading = RwSignal::new(false);
    // Converted here, not in the view: a conversion inside the `Suspend` would belong to
    // it, and be gone while the error panel it feeds is still being taken down.
    let retrying = Signal::from(reloading);
    let retry = Callback::new(move |()| listing.refetch());

    let apply = Callback::new({
        let navigate = navigate.clone();
        move |filter: AuditFilter| {
            if applied.with_untracked(|applied| applied.is_valid() && applied.filter == filter) {
                // The same filter again: the admin wants what is new since.
                listing.refetch();
            } else {
                navigate(&url::href(&filter), NavigateOptions::default());
            }
        }
    });
    let clear = Callback::new(move |()| apply.run(AuditFilter::default()));

    // The open entry is view state, not a place: it replaces the history entry, and leaves
    // the scroll position alone.
    let in_place = || NavigateOptions {
        replace: true,
        scroll: false,
        ..NavigateOptions::default()
    };
    // The entry last opened from the list, shown without asking the server again.
    let opened = StoredValue::new(None::<AuditEntry>);
    let open = Callback::new({
        let navigate = navigate.clone();
        move |entry: AuditEntry| {
            let id = entry.id;
            opened.set_value(Some(entry));
            navigate(&url::with_entry(&search.get_untracked(), Some(id)), in_place());
        }
    });
    let close = Callback::new(move |()| navigate(&url::with_entry(&search.get_untracked(), None), in_place()));
    let drawer = move || {
        entry.get().map(|entry| {
            let known = entry
                .as_ref()
                .ok()
                .and_then(|id| opened.with_value(|opened| opened.clone().filter(|e| e.id == *id)));
            view! { <EntryDrawer entry known on_close=close /> }
        })
    };

    let verify: VerifyAction = LocalAction::new(move |_: &()| async move { api.audit_verify().await });
    let export: ExportAction = LocalAction::new(move |filter: &AuditFilter| {
        let filter = filter.clone();
        async move { api.audit_export(&filter).await }
    });

    let results = move || {
        Suspend::new(async move {
            match listing.await {
                Listing::Loaded(filter, first) => {
                    view! { <Results filter first tail on_open=open on_clear=clear /> }.into_any()
                }
                Listing::InvalidLink => view! { <FixFilters /> }.into_any(),
                Listing::Failed(error) if error.status() == Some(403) => {
                    view! { <PermissionRequired permission=Permission::AuditRead /> }.into_any()
                }
                Listing::Failed(error)
                    if error.status() == Some(422) && !error.has_errors_beyond(&Field::ALL.map(Field::param)) =>
                {
                    view! { <FixFilters /> }.into_any()
                }
                Listing::Failed(error) => view! {
                    <ErrorPanel title="Could not load the audit log" error on_retry=retry retrying />
                }
                .into_any(),
            }
        })
    };

    view! {
        <header class="page-header page-header--split">
            <div class="page-header__text">
                <h1>{routes::AUDIT.title}</h1>
                <p class="muted">{SUMMARY}</p>
            </div>
            <div class="page-header__actions">
                <LiveTailButton tail=live_tail />
                <VerifyButton verify />
                <ExportButton export applied />
            </div>
            <div class="page-header__notices">
                <VerifyOutcome verify search />
                <ExportOutcome export />
            </div>
        </header>
        <Filters applied rejected on_apply=apply on_clear=clear />
        <section
            class="audit-list"
            class:audit-list--stale=move || reloading.get()
            aria-label="Audit entries"
            aria-busy=move || reloading.get().to_string()
        >
            <Transition fallback=ResultsSkeleton set_pending=reloading>
                {results}
            </Transition>
        </section>
        {drawer}
    }
}

/// The applied filter was refused; the form marks the fields.
#[component]
fn FixFilters() -> impl IntoView {
    view! {
        <div class="alert alert--error" role="alert">
            <IconSvg icon=Icon::Alert />
            <p>"Some filters are not valid. Correct the marked fields and apply the filters again."</p>
        </div>
    }
}

/// Whether `ev` happened on `element` itself rather than inside it. Leptos delegates most
/// events to the document, so `currentTarget` cannot answer this.
fn is_target(ev: &web_sys::Event, element: &impl AsRef<JsValue>) -> bool {
    ev.target()
        .is_some_and(|target| AsRef::<JsValue>::as_ref(&target) == element.as_ref())
}
