use leptos::html;
use leptos::prelude::*;

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
