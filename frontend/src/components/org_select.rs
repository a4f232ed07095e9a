//! A select of organizations, for forms and filters. It offers the largest page the API
//! gives, by name; when there are more organizations than that, a search box beside it
//! narrows what it offers, so every organization can be reached.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use omni_types::orgs::{OrgRef, OrgStatus, Organization};

use crate::reactive::{Loader, Show};
use crate::state::use_api;

/// How an organization reads in a list of options: its name, its slug to tell apart
/// names alike, and a suspension.
pub fn option_label(name: &str, slug: &str, status: OrgStatus) -> String {
    match status {
        OrgStatus::Active => format!("{name} ({slug})"),
        OrgStatus::Suspended => format!("{name} ({slug}), suspended"),
    }
}

#[component]
pub fn OrgSelect(
    id: &'static str,
    label: &'static str,
    /// The chosen option: an organization's id, or one of `fixed`'s values.
    #[prop(into)]
    value: Signal<String>,
    on_change: Callback<String>,
    /// Options before the organizations, as (value, label): `("", "Any organization")`.
    fixed: &'static [(&'static str, &'static str)],
    /// The organization chosen now, offered even when the loaded options lack it.
    #[prop(optional_no_strip)]
    current: Option<OrgRef>,
    #[prop(into, optional)] errors: Signal<Vec<String>>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let api = use_api();
    let applied = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let choices = Loader::new(move || {
        let q = applied.get();
        async move { api.organization_choices(&q).await }
    });
    let errors_id = format!("{id}-errors");
    let search_id = format!("{id}-search");
    let invalid = move || errors.with(|e| !e.is_empty());

    let loaded = move || choices.get().and_then(Result::ok);
    let fixed_options = fixed
        .iter()
        .map(|(option, text)| {
            view! { <option value=*option prop:selected=move || value.with(|v| v.as_str() == *option)>{*text}</option> }
        })
        .collect_view();
    // The current organization, unless the loaded page lists it already.
    let current = StoredValue::new(current);
    let current_option = move || {
        let current = current.get_value()?;
        let listed = loaded().is_some_and(|page| page.items.iter().any(|o| o.id == current.id));
        (!listed).then(|| {
            let option = current.id.to_string();
            let text = option_label(&current.name, &current.slug, current.status);
            view! { <option value=option.clone() prop:selected=move || value.with(|v| *v == option)>{text}</option> }
        })
    };
    let org_options = move || {
        loaded()
            .map(|page| page.items)
            .unwrap_or_default()
            .into_iter()
            .map(|org: Organization| {
                let option = org.id.to_string();
                let text = option_label(&org.name, &org.slug, org.status);
                view! { <option value=option.clone() prop:selected=move || value.with(|v| *v == option)>{text}</option> }
            })
            .collect_view()
    };
    // More organizations than one page: offer the search (and keep it while it narrows).
    let searchable = move || !applied.with(String::is_empty) || loaded().is_some_and(|page| page.next_cursor.is_some());
    let apply = move || applied.set(typed.get_untracked().trim().to_owned());
    let on_search_key = move |ev: KeyboardEvent| {
        // Enter must narrow the list, not submit the form around it.
        if ev.key() == "Enter" {
            ev.prevent_default();
            apply();
        }
    };
    let failure = move || choices.get().and_then(Result::err);

    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for=id>{label}</label>
            <Show when=searchable>
                <input
                    id=search_id.clone()
                    class="input org-select__search"
                    type="search"
                    placeholder="Find an organization by name or slug"
                    aria-label=format!("Find an organization for “{label}”")
                    prop:value=move || typed.get()
                    on:input:target=move |ev| typed.set(ev.target().value())
                    on:keydown=on_search_key
                    on:change=move |_| apply()
                />
            </Show>
            <select
                id=id
                class="input"
                aria-invalid=move || invalid().to_string()
                aria-describedby=errors_id.clone()
                aria-busy=move || choices.get().is_none().to_string()
                on:change=move |ev| on_change.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(on_blur) = on_blur {
                        on_blur.run(());
                    }
                }
            >
                {fixed_options}
                {current_option}
                {org_options}
            </select>
            <ul class="field__errors" id=errors_id>
                {move || failure().map(|e| view! {
                    <li>
                        {format!("Could not load the organizations: {e} ")}
                        <button type="button" class="button button--ghost button--small" on:click=move |_| choices.refetch()>"Retry"</button>
                    </li>
                })}
                {move || errors.get().into_iter().map(|message| view! { <li>{format!("{label} {message}.")}</li> }).collect_view()}
            </ul>
        </div>
    }
}
