//! Create an organization, or change its name, slug and plan. Fields are checked as they
//! are typed, the way the server checks them; the server's own field errors (a slug that
//! is taken) show under the same fields.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::orgs::{CreateOrganization, OrgSettings, Organization, Plan, UpdateOrganization};

use super::plan_label;
use crate::components::field::TextField;
use crate::components::modal::Modal;
use crate::reactive::{LocalAction, Show, effect};
use crate::state::use_api;

const FIELDS: [&str; 3] = ["name", "slug", "plan"];

pub fn check_name(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        Some("is required")
    } else if name.chars().count() > 200 {
        Some("must be at most 200 characters")
    } else {
        None
    }
}

/// As the server checks it: 1 to 63 lowercase letters, digits and `-`, not starting or
/// ending with `-`.
pub fn check_slug(slug: &str) -> Option<&'static str> {
    let slug = slug.trim();
    if slug.is_empty() {
        return Some("is required");
    }
    let ok = slug.len() <= 63
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    (!ok).then_some("must be 1 to 63 lowercase letters, digits or `-`, not starting or ending with `-`")
}

/// The slug a new organization's name suggests: `Acme Corp.` → `acme-corp`.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 63 {
            break;
        }
    }
    slug.trim_end_matches('-').to_owned()
}

fn parse_plan(raw: &str) -> Plan {
    raw.parse().unwrap_or(Plan::Free)
}

/// The dialog. `org`: the one being edited, or `None` to create one.
#[component]
pub fn OrgForm(org: Option<Organization>, on_saved: Callback<Organization>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let editing = org.clone();
    let title = if org.is_some() {
        "Edit organization"
    } else {
        "New organization"
    };
    let name = RwSignal::new(org.as_ref().map(|o| o.name.clone()).unwrap_or_default());
    let slug = RwSignal::new(org.as_ref().map(|o| o.slug.clone()).unwrap_or_default());
    let plan = RwSignal::new(org.as_ref().map_or(Plan::Free, |o| o.plan).as_str().to_owned());
    // A new organization's slug follows its name until the admin types a slug of their own.
    let slug_typed = RwSignal::new(org.is_some());
    effect(move || {
        let suggested = slug_of(&name.get());
        if !slug_typed.get_untracked() {
            slug.set(suggested);
        }
    });
    let attempted = RwSignal::new(false);
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let touch = move |field: &'static str| {
        Callback::new(move |()| {
            touched.update(|t| {
                t.insert(field);
            })
        })
    };

    let save = LocalAction::new(move |(name, slug, plan): &(String, String, Plan)| {
        let (name, slug, plan, editing) = (name.clone(), slug.clone(), *plan, editing.clone());
        async move {
            match editing {
                None => {
                    let body = CreateOrganization {
                        name,
                        slug,
                        plan: Some(plan),
                        settings: OrgSettings::default(),
                    };
                    api.organization_create(&body).await
                }
                Some(before) => {
                    let change = UpdateOrganization {
                        name: (name != before.name).then_some(name),
                        slug: (slug != before.slug).then_some(slug),
                        plan: (plan != before.plan).then_some(plan),
                        settings: None,
                    };
                    api.organization_update(before.id, &change).await
                }
            }
        }
    });
    effect(move || {
        if let Some(Ok(saved)) = save.value().get() {
            on_saved.run(saved);
            on_close.run(());
        }
    });
    let server_error = move || save.value().get().and_then(Result::err);
    let live = move |field: &'static str| match field {
        "name" => check_name(&name.get()),
        "slug" => check_slug(&slug.get()),
        _ => None,
    };
    let errors = move |field: &'static str| {
        Signal::derive(move || {
            let mut shown: Vec<String> = if attempted.get() || touched.with(|t| t.contains(field)) {
                live(field).map(str::to_owned).into_iter().collect()
            } else {
                Vec::new()
            };
            if let Some(e) = server_error() {
                shown.extend(e.field_errors(field).iter().cloned());
            }
            shown
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let (n, s) = (name.get_untracked(), slug.get_untracked());
        if check_name(&n).is_none() && check_slug(&s).is_none() {
            save.dispatch((
                n.trim().to_owned(),
                s.trim().to_owned(),
                parse_plan(&plan.get_untracked()),
            ));
        }
    };
    let other_error = move || server_error().filter(|e| e.needs_own_message(&FIELDS));
    let plans = Plan::ALL
        .iter()
        .map(|p| view! { <option value=p.as_str()>{plan_label(*p)}</option> })
        .collect_view();

    view! {
        <Modal title=title.to_owned() on_close>
            <form class="settings-form" aria-label=title novalidate on:submit=on_submit>
                <TextField id="org-name" label="Name" kind="text" value=name errors=errors("name") placeholder=Some("Acme Corp") on_blur=touch("name") />
                <div on:input=move |_| slug_typed.set(true)>
                    <TextField id="org-slug" label="Slug" kind="text" value=slug errors=errors("slug") placeholder=Some("acme-corp") on_blur=touch("slug") />
                </div>
                <p class="muted small field__hint">
                    "Lowercase letters, digits and -. The organization's key in URLs, usage events and configuration files."
                </p>
                <div class="field">
                    <label class="field__label" for="org-plan">"Plan"</label>
                    <select
                        id="org-plan"
                        class="input"
                        prop:value=move || plan.get()
                        on:change=move |ev| plan.set(event_target_value(&ev))
                    >
                        {plans}
                    </select>
                    <ul class="field__errors">
                        {move || errors("plan").get().into_iter().map(|m| view! { <li>{format!("Plan {m}.")}</li> }).collect_view()}
                    </ul>
                </div>
                {move || other_error().map(|e| view! { <p class="inline-error" role="alert">{e.to_string()}</p> })}
                <div class="modal__actions">
                    <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button
                        type="submit"
                        class="button button--primary"
                        disabled=move || save.pending().get()
                        aria-busy=move || save.pending().get().to_string()
                    >
                        <Show when=move || save.pending().get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        {if org.is_some() { "Save changes" } else { "Create organization" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked_as_the_server_does() {
        assert_eq!(check_slug("acme-2"), None);
        for bad in ["", "-acme", "acme-", "Acme", "ac_me", &"a".repeat(64)] {
            assert!(check_slug(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn names_suggest_a_valid_slug() {
        assert_eq!(slug_of("Acme Corp."), "acme-corp");
        assert_eq!(slug_of("  Ünïcode & Co  "), "n-code-co");
        assert_eq!(slug_of("---"), "");
        assert_eq!(check_slug(&slug_of(&"x y ".repeat(40))), None);
    }
}
