//! "Can this admin…?": asks the server whether the admin holds a permission, and why
//! (SPEC RBAC-5).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::admins::AuthzDecision;
use uuid::Uuid;

use crate::components::error_panel::ErrorPanel;
use crate::reactive::{Loader, LocalAction, Transition};
use crate::state::use_api;

#[component]
pub fn PermissionCheck(admin: Uuid) -> impl IntoView {
    let api = use_api();
    let catalogue = Loader::new(move || async move { api.permissions().await });
    let chosen = RwSignal::new(String::new());
    let check = LocalAction::new(move |permission: &String| {
        let permission = permission.clone();
        async move { api.authz_check(admin, &permission).await }
    });
    let pending = check.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let permission = chosen.get_untracked();
        if !permission.is_empty() {
            check.dispatch(permission);
        }
    };
    let reloading = RwSignal::new(false);
    let form = move || {
        Suspend::new(async move {
            match catalogue.await {
                Ok(permissions) => {
                    let options = permissions
                        .into_iter()
                        .map(|p| view! { <option value=p.name.clone()>{format!("{} — {}", p.name, p.description)}</option> })
                        .collect_view();
                    view! {
                        <form class="check-form" on:submit=on_submit>
                            <div class="field">
                                <label class="field__label" for="check-permission">"Permission"</label>
                                <select
                                    id="check-permission"
                                    class="input"
                                    prop:value=move || chosen.get()
                                    on:change=move |ev| {
                                        check.value().set(None);
                                        chosen.set(event_target_value(&ev));
                                    }
                                >
                                    <option value="">"Choose a permission"</option>
                                    {options}
                                </select>
                            </div>
                            <button
                                type="submit"
                                class="button button--secondary"
                                disabled=move || pending.get() || chosen.with(String::is_empty)
                                aria-busy=move || pending.get().to_string()
                            >
                                "Check"
                            </button>
                        </form>
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <ErrorPanel title="Could not load the permissions" error on_retry=Callback::new(move |()| catalogue.refetch()) retrying=reloading />
                }
                .into_any(),
            }
        })
    };
    let answer = move || {
        check.value().get().map(|result| match result {
            Ok(decision) => view! { <Decision decision /> }.into_any(),
            Err(error) => {
                view! { <p class="inline-error" role="alert">{format!("Could not check: {error}")}</p> }.into_any()
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="admin-check-title">
            <h2 id="admin-check-title" class="card__title">"Can this admin…?"</h2>
            <p class="muted small">"Pick a permission to see whether this admin holds it, and through which roles."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading permissions…"</p> } set_pending=reloading>
                {form}
            </Transition>
            <div aria-live="polite">{answer}</div>
        </section>
    }
}

#[component]
fn Decision(decision: AuthzDecision) -> impl IntoView {
    let (class, verdict) = if decision.allowed {
        ("alert alert--success", "Allowed")
    } else {
        ("alert alert--error", "Denied")
    };
    view! {
        <div class=format!("{class} decision") data-testid="authz-decision">
            <div>
                <p>
                    <strong>{verdict}</strong> ": " <code>{decision.permission}</code>
                </p>
                <p>{decision.reason}</p>

            </div>
        </div>
    }
}
