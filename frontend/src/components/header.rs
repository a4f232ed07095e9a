use leptos::html;
use leptos::prelude::*;

use crate::components::icons::{Icon, IconSvg};
use crate::components::live_status::LiveStatusIndicator;
use crate::components::scope_chip::ScopeChip;
use crate::components::theme_toggle::ThemeToggle;
use crate::reactive::LocalAction;
use crate::realtime::use_live;
use crate::state::{use_api, use_session};

/// The top bar: the menu button (narrow screens), the organization scope, live updates,
/// the theme, who is signed in, sign-out.
#[component]
pub fn Header(menu_open: RwSignal<bool>, menu_button: NodeRef<html::Button>) -> impl IntoView {
    let session = use_session();
    let api = use_api();
    let live = use_live();
    let sign_out = LocalAction::new(move |_: &()| async move {
        // Closed first: the server ends the session's sockets as it revokes it.
        live.stop();
        let outcome = api.logout().await;
        if outcome.is_err() {
            live.start();
        }
        outcome
    });
    let signing_out = sign_out.pending();
    let failure = move || sign_out.value().get().and_then(Result::err);

    let name = move || session.with_admin(|a| a.map(|a| a.display_name.clone()).unwrap_or_default());
    let email = move || session.with_admin(|a| a.map(|a| a.email.clone()).unwrap_or_default());

    view! {
        <header class="header">
            <button
                type="button"
                class="icon-button menu-button"
                aria-label="Menu"
                aria-controls="sidebar"
                aria-expanded=move || menu_open.get().to_string()
                node_ref=menu_button
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                {move || view! { <IconSvg icon=if menu_open.get() { Icon::Close } else { Icon::Menu } /> }}
            </button>
            <span class="header__brand">"Omni Admin"</span>
            <ScopeChip />
            <div class="header__actions">
                <LiveStatusIndicator />
                <ThemeToggle />
                <div class="identity">
                    <span class="avatar" aria-hidden="true">
                        {move || initials(&name())}
                    </span>
                    <span class="identity__text">
                        <span class="identity__name">{name}</span>
                        <span class="identity__email" data-testid="current-admin">
                            {email}
                        </span>
                    </span>
                </div>
                <button
                    type="button"
                    class="button button--ghost sign-out"
                    on:click=move |_| {
                        sign_out.dispatch(());
                    }
                    disabled=move || signing_out.get()
                    aria-busy=move || signing_out.get().to_string()
                >
                    <IconSvg icon=Icon::SignOut />
                    <span class="button__label">"Sign out"</span>
                </button>
            </div>
        </header>
        {move || {
            failure()
                .map(|error| {
                    view! {
                        <p class="banner banner--error" role="alert">
                            {format!("Could not sign out: {error}")}
                        </p>
                    }
                })
        }}
    }
}

/// Up to two initials for the avatar, from the display name.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Ada Byron Lovelace"), "AB");
        assert_eq!(initials("owner"), "O");
        assert_eq!(initials(""), "");
    }
}
