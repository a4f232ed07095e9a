use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A button that puts `text` on the clipboard, and says (politely) whether it worked.
#[component]
pub fn CopyButton(
    /// What the button says; also names what is copied in its status.
    label: &'static str,
    #[prop(into)] text: Signal<String>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let text = text.get_untracked();
        leptos::task::spawn_local(async move {
            copied.try_set(Some(copy_text(&text).await));
        });
    };
    view! {
        <span class="copy-button">
            <button type="button" class="button button--secondary button--small" on:click=copy>
                {label}
            </button>
            <span class="copy-button__status small" role="status">
                {move || match copied.get() {
                    Some(true) => "Copied.",
                    Some(false) => "The browser would not copy: select the text and copy it yourself.",
                    None => "",
                }}
            </span>
        </span>
    }
}

/// `navigator.clipboard.writeText`; false when the browser refuses (no permission, or
/// not a secure context).
pub async fn copy_text(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
