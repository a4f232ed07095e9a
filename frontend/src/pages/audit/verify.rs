//! "Verify chain": the server walks the hash chain and reports the first broken link
//! (SPEC AUDIT-4).

use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::audit::{AuditVerification, BrokenLink};

use super::url;
use crate::api::ApiError;
use crate::components::icons::{Icon, IconSvg};
use crate::components::local_time::LocalTime;
use crate::reactive::LocalAction;

pub type VerifyAction = LocalAction<(), Result<AuditVerification, ApiError>>;

#[component]
pub fn VerifyButton(verify: VerifyAction) -> impl IntoView {
    let busy = verify.pending();
    view! {
        <button
            type="button"
            class="button button--secondary"
            on:click=move |_| {
                if !busy.get_untracked() {
                    verify.dispatch(());
                }
            }
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
        >
            {move || {
                if busy.get() {
                    view! { <span class="spinner spinner--small" aria-hidden="true"></span> }.into_any()
                } else {
                    view! { <IconSvg icon=Icon::ShieldCheck /> }.into_any()
                }
            }}
            "Verify chain"
        </button>
    }
}

/// The outcome of the last check. Announced politely: the region is always on the page,
/// so screen readers hear each new outcome.
#[component]
pub fn VerifyOutcome(verify: VerifyAction, search: Memo<String>) -> impl IntoView {
    let busy = verify.pending();
    let outcome = move || {
        if busy.get() {
            return None;
        }
        let view = match verify.value().get()? {
            Ok(AuditVerification { ok: true, checked, .. }) => view! {
                <div class="alert alert--success">
                    <IconSvg icon=Icon::ShieldCheck />
                    <p>{format!("Chain intact: {checked} {} checked.", entries(checked))}</p>
                </div>
            }
            .into_any(),
            Ok(AuditVerification {
                first_broken: Some(broken),
                ..
            }) => view! { <Broken broken search /> }.into_any(),
            Ok(AuditVerification { first_broken: None, .. }) => view! {
                <div class="alert alert--error">
                    <IconSvg icon=Icon::Alert />
                    <p>"The chain is broken, but the server did not say where."</p>
                </div>
            }
            .into_any(),
            Err(error) => view! {
                <div class="alert alert--error">
                    <IconSvg icon=Icon::Alert />
                    <p>{format!("Could not verify the chain: {error}")}</p>
                </div>
            }
            .into_any(),
        };
        Some(view)
    };
    view! { <div aria-live="polite">{outcome}</div> }
}

#[component]
fn Broken(broken: BrokenLink, search: Memo<String>) -> impl IntoView {
    let id = broken.id;
    let reason = broken.reason.replace('_', " ");
    view! {
        <div class="alert alert--error">
            <IconSvg icon=Icon::Alert />
            <p>
                {format!("Broken at entry #{} ({reason}), ", broken.seq)} <LocalTime at=broken.occurred_at />
                ". " <A href=move || url::with_entry(&search.get(), Some(id)) scroll=false>
                    "Open entry"
                </A>
            </p>
        </div>
    }
}

fn entries(count: i64) -> &'static str {
    if count == 1 { "entry" } else { "entries" }
}
