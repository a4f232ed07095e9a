//! `/security`: the admin's own password and second factor. `/security/password` and
//! `/security/mfa` show one of the two, for an admin the account gate sent there.

mod backup_codes;
mod checks;
mod code_form;
pub mod gate;
mod mfa;
mod password;

use leptos::prelude::*;
use omni_types::auth::Me;

use crate::components::error_panel::BoundaryError;
use crate::components::skeleton::{SkeletonBlock, SkeletonLine};
use crate::reactive::{Loader, Transition};
use crate::state::use_api;
pub use mfa::MfaBadge;
use mfa::MfaCard;
use password::PasswordCard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sections {
    Both,
    Password,
    Mfa,
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    view! { <Security sections=Sections::Both /> }
}

#[component]
pub fn SecurityPasswordPage() -> impl IntoView {
    view! { <Security sections=Sections::Password /> }
}

#[component]
pub fn SecurityMfaPage() -> impl IntoView {
    view! { <Security sections=Sections::Mfa /> }
}

#[component]
fn Security(sections: Sections) -> impl IntoView {
    let api = use_api();
    let me = Loader::new(move || async move { api.me().await });
    let reloading = RwSignal::new(false);
    let retry = Callback::new(move |()| me.refetch());
    let (title, lede) = match sections {
        Sections::Both => ("Security", "Your password and two-factor authentication."),
        Sections::Password => ("Change password", "Choose a new password for your account."),
        Sections::Mfa => ("Two-factor authentication", "Add a second step to signing in."),
    };

    view! {
        <header class="page-header">
            <h1>{title}</h1>
            <p class="muted">{lede}</p>
        </header>
        <Transition fallback=SecuritySkeleton set_pending=reloading>
            <ErrorBoundary fallback=move |errors| {
                view! { <BoundaryError title="Could not load your account" errors on_retry=retry retrying=reloading /> }
            }>
                {move || Suspend::new(async move { me.await.map(|me| view! { <SecurityCards me sections /> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn SecurityCards(me: Me, sections: Sections) -> impl IntoView {
    // As loaded: the card is not rebuilt (losing its success message) when the change
    // clears the flag.
    let forced = me.must_change_password;
    view! {
        <div class="stack">
            {(sections != Sections::Mfa).then(|| view! { <PasswordCard forced /> })}
            {(sections != Sections::Password).then(|| view! { <MfaCard me /> })}
        </div>
    }
}

#[component]
fn SecuritySkeleton() -> impl IntoView {
    view! {
        <SkeletonBlock label="Loading your account…">
            <div class="stack">
                <div class="card">
                    <SkeletonLine width="8rem" tall=true />
                    <SkeletonLine width="70%" />
                    <SkeletonLine width="100%" tall=true />
                    <SkeletonLine width="100%" tall=true />
                </div>
            </div>
        </SkeletonBlock>
    }
}
