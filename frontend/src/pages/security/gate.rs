//! What a signed-in admin must do before anything else: choose a new password after an
//! owner reset it, and set up MFA when a role requires it.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use omni_types::auth::Me;

use crate::components::icons::{Icon, IconSvg};
use crate::reactive::{effect, memo};
use crate::routes;
use crate::state::use_session;

/// An action the account needs, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Until done, the server refuses every permissioned route (403
    /// `password-change-required`): the password page is the only one open.
    ChangePassword,
    /// A role requires MFA and none is set up: until done, the server refuses every
    /// permissioned route (403 `mfa-enrolment-required`): MFA setup is the only page open.
    EnrolMfa,
}

impl Requirement {
    pub fn of(admin: &Me) -> Option<Self> {
        if admin.must_change_password {
            Some(Requirement::ChangePassword)
        } else if admin.mfa_required && !admin.mfa_enabled {
            Some(Requirement::EnrolMfa)
        } else {
            None
        }
    }

    /// The page where the admin does it.
    pub fn href(self) -> String {
        match self {
            Requirement::ChangePassword => routes::security_password_href(),
            Requirement::EnrolMfa => routes::security_mfa_href(),
        }
    }

    /// Whether every other page is closed until it is done (both are, as on the server;
    /// kept as a method so a softer requirement can be added without a wall).
    fn blocks(self) -> bool {
        matches!(self, Requirement::ChangePassword | Requirement::EnrolMfa)
    }
}

/// Around the signed-in pages: sends the admin where a blocking requirement is met, and
/// explains any requirement in a banner.
#[component]
pub fn AccountGate(children: Children) -> impl IntoView {
    let session = use_session();
    let pathname = use_location().pathname;
    let requirement = memo(move || session.with_admin(|admin| admin.and_then(Requirement::of)));
    let on_its_page = move |r: Requirement| pathname.with(|path| path.trim_end_matches('/') == r.href());
    let blocked = memo(move || requirement.get().is_some_and(|r| r.blocks() && !on_its_page(r)));
    // Navigating from an effect, with the page kept mounted (and hidden) rather than swapped
    // out: the page is then not rebuilt when the requirement is met on its own page, and a
    // redirecting route (`/` → the profile) cannot bounce against this one.
    let navigate = use_navigate();
    effect(move || {
        if blocked.get()
            && let Some(requirement) = requirement.get_untracked()
        {
            navigate(
                &requirement.href(),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let banner = move || {
        let requirement = requirement.get()?;
        let here = on_its_page(requirement);
        let message = match requirement {
            Requirement::ChangePassword => {
                "An owner reset your password. Choose a new one to continue: the rest of Omni Admin opens once you have."
            }
            Requirement::EnrolMfa => {
                "Your role requires two-factor authentication. Set up an authenticator app to continue: the rest of Omni Admin opens once you have."
            }
        };
        let link = (!here && !requirement.blocks()).then(|| {
            view! {
                <A href=requirement.href() attr:class="button button--secondary button--small">
                    "Set it up now"
                </A>
            }
        });
        Some(view! {
            <div class="alert account-banner" role="status" data-testid="account-banner">
                <IconSvg icon=Icon::Shield />
                <p>{message}</p>
                {link}
            </div>
        })
    };

    view! {
        {banner}
        <div class="account-gate" hidden=move || blocked.get()>
            {children()}
        </div>
    }
}
