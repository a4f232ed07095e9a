use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::orgs::OrgStatus;

use crate::components::icons::{Icon, IconSvg};
use crate::routes;
use crate::state::use_scope;

/// The organization the console is scoped to ("Open as admin"), while it is: a link to the
/// organization and a button that removes the scope.
#[component]
pub fn ScopeChip() -> impl IntoView {
    let scope = use_scope();
    move || {
        scope.organization().map(|org| {
            let href = routes::ORGANIZATIONS.item_href(org.id);
            let name = org.name.clone();
            let suspended = org.status == OrgStatus::Suspended;
            view! {
                <div class="scope-chip" class:scope-chip--suspended=suspended data-testid="org-scope">
                    <A href=href attr:class="scope-chip__link" attr:title=format!("Scoped to {name}: scoped views show this organization only")>
                        <IconSvg icon=Icon::Building />
                        <span class="scope-chip__prefix">"Scope: "</span>
                        <span class="scope-chip__name">{org.name.clone()}</span>
                        {suspended.then(|| view! { <span class="visually-hidden">" (suspended)"</span> })}
                    </A>
                    <button
                        type="button"
                        class="scope-chip__remove"
                        aria-label=format!("Remove the {name} scope")
                        title="Remove the scope"
                        on:click=move |_| scope.clear()
                    >
                        <IconSvg icon=Icon::Close />
                    </button>
                </div>
            }
        })
    }
}
