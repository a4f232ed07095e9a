use leptos::prelude::*;

/// Leptos's `<Transition>` (see the module docs): `fallback` until the resources read in
/// `children` have loaded, then `children`, which stay on screen while those resources
/// reload; `set_pending` hears whether they are reloading. Same props. (Leptos's is
/// generic over the children's view, so each use compiled its own suspense boundary.)
#[component]
pub fn Transition(
    #[prop(optional, into)] fallback: ViewFnOnce,
    #[prop(optional, into)] set_pending: Option<SignalSetter<bool>>,
    children: Children,
) -> impl IntoView {
    erased(fallback, set_pending, children)
}

/// The one `<Transition>` the app instantiates.
#[inline(never)]
fn erased(fallback: ViewFnOnce, set_pending: Option<SignalSetter<bool>>, children: Children) -> AnyView {
    leptos::prelude::Transition(leptos::prelude::TransitionProps {
        fallback,
        set_pending,
        children: ToChildren::to_children(children),
    })
    .into_any()
}
