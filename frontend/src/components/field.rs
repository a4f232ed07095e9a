use leptos::html;
use leptos::prelude::*;

/// What is wrong with an email address as typed, as the API words it (empty: nothing).
pub fn check_email(email: &str) -> Vec<String> {
    let email = email.trim();
    if email.is_empty() {
        return vec!["is required".to_owned()];
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace) =>
        {
            Vec::new()
        }
        _ => vec!["is not a valid email address".to_owned()],
    }
}

/// A labelled input with its error messages underneath. Messages are predicates
/// ("is required"), in the style of the API's field errors, and are shown after the label.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    /// The input's `type`.
    kind: &'static str,
    value: RwSignal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(optional_no_strip)] placeholder: Option<&'static str>,
    /// Called when the field loses focus.
    #[prop(optional)]
    on_blur: Option<Callback<()>>,
    #[prop(optional)] node_ref: NodeRef<html::Input>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    let invalid = move || errors.with(|e| !e.is_empty());
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for=id>
                {label}
            </label>
            <input
                id=id
                name=id
                type=kind
                class="input"
                autocomplete=autocomplete
                required=required
                placeholder=placeholder
                node_ref=node_ref
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
                on:blur=move |_| {
                    if let Some(on_blur) = on_blur {
                        on_blur.run(());
                    }
                }
                aria-invalid=move || invalid().to_string()
                aria-describedby=errors_id.clone()
            />
            <ul class="field__errors" id=errors_id>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|message| view! { <li>{format!("{label} {message}.")}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// A checkbox bound to a boolean signal, its label beside it.
#[component]
pub fn CheckboxField(label: &'static str, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="checkbox">
            <input
                type="checkbox"
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            {format!(" {label}")}
        </label>
    }
}

/// A labelled multi-line input with its error messages underneath, like [`TextField`].
#[component]
pub fn TextAreaField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(default = 3)] rows: u32,
    #[prop(default = true)] required: bool,
    #[prop(optional_no_strip)] placeholder: Option<&'static str>,
    /// Extra classes for the textarea (`mono` for file contents).
    #[prop(optional)]
    class: &'static str,
    /// A hint under the input (a character count), also read out with it.
    #[prop(into, optional)]
    hint: Signal<String>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    let hint_id = format!("{id}-hint");
    let invalid = move || errors.with(|e| !e.is_empty());
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for=id>
                {label}
            </label>
            <textarea
                id=id
                name=id
                class=format!("input {class}")
                rows=rows
                required=required
                placeholder=placeholder
                spellcheck="false"
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
                on:blur=move |_| {
                    if let Some(on_blur) = on_blur {
                        on_blur.run(());
                    }
                }
                aria-invalid=move || invalid().to_string()
                aria-describedby=format!("{hint_id} {errors_id}")
            ></textarea>
            <p class="muted small" id=hint_id.clone() class:visually-hidden=move || hint.with(String::is_empty)>
                {move || hint.get()}
            </p>
            <ul class="field__errors" id=errors_id>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|message| view! { <li>{format!("{label} {message}.")}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(check_email("ada@example.com").is_empty());
        assert_eq!(check_email(""), ["is required"]);
        assert_eq!(check_email("ada"), ["is not a valid email address"]);
        assert_eq!(check_email("ada@localhost"), ["is not a valid email address"]);
        assert_eq!(
            check_email("ada lovelace@example.com"),
            ["is not a valid email address"]
        );
    }
}
