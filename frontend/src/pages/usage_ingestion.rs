//! `/settings/usage`: how the hub's usage events are taken in (SPEC ANA-1). The events
//! that were refused, to replay once their cause is fixed (`dead_letters`), and the
//! token prices that cost the events sent without one (`prices`). Each section needs its
//! own permission and is absent without it.

mod dead_letters;
mod letter_list;
mod price_check;
mod prices;
mod reasons;

use leptos::prelude::*;
use omni_types::Permission;

use crate::components::permission_required::PermissionRequired;
use crate::reactive::{Show, memo};
use crate::routes;
use crate::state::use_session;
use dead_letters::DeadLetters;
use prices::ModelPrices;

const SUMMARY: &str = "The usage events the hub sends: those that were refused, and the prices that cost them.";

/// Whether the signed-in admin holds `permission` (tracked: roles can change).
fn use_holds(permission: Permission) -> Memo<bool> {
    let session = use_session();
    memo(move || session.with_admin(|a| a.is_some_and(|a| a.can(permission))))
}

#[component]
pub fn UsageIngestionPage() -> impl IntoView {
    let can_see_letters = use_holds(Permission::TelemetryRead);
    let can_see_prices = use_holds(Permission::SettingsRead);
    let neither = move || !can_see_letters.get() && !can_see_prices.get();
    view! {
        <header class="page-header">
            <h1>{routes::USAGE_INGESTION.title}</h1>
            <p class="muted">{SUMMARY}</p>
        </header>
        <Show when=neither>
            // Either permission opens the page; the refused events are its main part.
            <PermissionRequired permission=Permission::TelemetryRead />
        </Show>
        <div class="stack">
            <Show when=move || can_see_letters.get()>
                <DeadLetters />
            </Show>
            <Show when=move || can_see_prices.get()>
                <ModelPrices />
            </Show>
        </div>
    }
}
