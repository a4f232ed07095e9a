//! A modal dialog: the browser's `<dialog>` keeps focus inside it, makes the page behind
//! inert and closes it on Escape; focus goes back to whatever opened it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::components::icons::{Icon, IconSvg};
use crate::reactive::{Show, effect};

const TITLE_ID: &str = "modal-title";

/// Rendered while open: the parent shows it, and `on_close` hides it (Escape, the close
/// button, or the parent's own Cancel).
#[component]
pub fn Modal(
    #[prop(into)] title: Signal<String>,
    on_close: Callback<()>,
    /// `alertdialog` for a confirmation.
    #[prop(default = "dialog")]
    role: &'static str,
    /// Where focus goes on close, when not to the element that had it on open (that one
    /// may be gone: the button of a confirmation that led here).
    #[prop(optional)]
    return_focus: Option<NodeRef<html::Button>>,
    /// Room for a document or a diff rather than a few fields.
    #[prop(optional)]
    wide: bool,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(
        return_focus
            .and_then(|target| target.get_untracked())
            .map(web_sys::Element::from)
            .or_else(|| document().active_element()),
    );
    effect(move || {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    on_cleanup(move || {
        let opener = opener.try_get_value().flatten();
        request_animation_frame(move || restore_focus(opener));
    });
    view! {
        <dialog
            class="modal"
            class:modal--wide=wide
            node_ref=dialog
            role=role
            aria-modal="true"
            aria-labelledby=TITLE_ID
            on:close=move |_| on_close.run(())
        >
            <div class="modal__panel">
                <header class="modal__header">
                    <h2 id=TITLE_ID>{move || title.get()}</h2>
                    <button type="button" class="icon-button" aria-label="Close" on:click=move |_| on_close.run(())>
                        <IconSvg icon=Icon::Close />
                    </button>
                </header>
                <div class="modal__body">{children()}</div>
            </div>
        </dialog>
    }
}

/// Back to the opener if it is still on the page, else to the main region.
fn restore_focus(opener: Option<web_sys::Element>) {
    let target = opener
        .filter(|element| element.is_connected() && element.tag_name() != "BODY")
        .or_else(|| document().get_element_by_id("main"))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}

/// "Are you sure?" for an action that cannot be taken back. The failure, if any, is shown
/// in the dialog so the admin can retry or cancel.
#[component]
pub fn ConfirmDialog(
    title: &'static str,
    #[prop(into)] message: String,
    confirm_label: &'static str,
    /// The action is destructive: the button says so in red.
    #[prop(optional)]
    danger: bool,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    on_confirm: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <Modal title=title.to_owned() on_close role="alertdialog">
            <p>{message}</p>
            {move || {
                error
                    .get()
                    .map(|error| {
                        view! {
                            <p class="inline-error" role="alert">
                                {error.to_string()}
                            </p>
                        }
                    })
            }}
            <div class="modal__actions">
                <button type="button" class="button button--ghost" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button--primary"
                    class:button--danger=danger
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()
                    on:click=move |_| on_confirm.run(())
                >
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    {confirm_label}
                </button>
            </div>
        </Modal>
    }
}
