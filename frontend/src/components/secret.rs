//! A secret the server shows exactly once (a token, a generated password): a read-only
//! field to select or copy, and a clear warning that it will not be shown again.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

#[component]
pub fn OnceSecret(
    id: &'static str,
    label: &'static str,
    value: String,
    /// What to tell the admin to do with it.
    note: &'static str,
) -> impl IntoView {
    let note_id = format!("{id}-note");
    let text = Signal::stored(value.clone());
    view! {
        <div class="once-secret">
            <label class="field__label" for=id>
                {label}
            </label>
            <div class="once-secret__row">
                <input
                    id=id
                    class="input once-secret__value"
                    type="text"
                    readonly=true
                    spellcheck="false"
                    autocomplete="off"
                    value=value
                    data-testid=id
                    aria-describedby=note_id.clone()
                    on:focus:target=move |ev| ev.target().select()
                />
                <CopyButton label="Copy" text />
            </div>
            <p class="alert alert--warning once-secret__note" id=note_id>
                <span>
                    <strong>"Shown once. "</strong>
                    {note}
                </span>
            </p>
        </div>
    }
}
