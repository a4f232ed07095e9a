use leptos::prelude::*;

/// A grey placeholder bar in the shape of content still loading.
#[component]
pub fn SkeletonLine(#[prop(default = "100%")] width: &'static str, #[prop(optional)] tall: bool) -> impl IntoView {
    view! { <span class="skeleton" class:skeleton--tall=tall style:width=width aria-hidden="true"></span> }
}

/// Wraps placeholders so assistive technology hears one "loading" message instead of them.
#[component]
pub fn SkeletonBlock(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="skeleton-block" role="status" aria-live="polite">
            <span class="visually-hidden">{label}</span>
            {children()}
        </div>
    }
}
