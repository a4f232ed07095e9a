use std::sync::Arc;

use leptos::prelude::*;

type When = Arc<dyn Fn() -> bool + Send + Sync>;

/// Leptos's `<Show>` (see the module docs): `children` while `when` is true, `fallback`
/// (nothing by default) while it is false, re-rendered only when the condition flips.
/// Same props. (Leptos's is generic over the children's view and the condition: with
/// ninety uses, its memo and its branch switching were compiled ninety times.)
#[component]
pub fn Show(
    children: ChildrenFn,
    when: impl Fn() -> bool + Send + Sync + 'static,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    erased(Arc::new(when), children, fallback)
}

/// The one `<Show>` the app instantiates.
#[inline(never)]
fn erased(when: When, children: ChildrenFn, fallback: ViewFn) -> AnyView {
    leptos::prelude::Show(leptos::prelude::ShowProps {
        children: ToChildren::to_children(move || children()),
        when: move || when(),
        fallback,
    })
    .into_any()
}
