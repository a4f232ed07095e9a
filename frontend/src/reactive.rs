//! The SPA's handles on Leptos's reactive primitives, each compiled once for the whole app.
//!
//! Leptos's `LocalResource`, `Action`, `Effect` and `<For>` are generic over their value and
//! their function, and `<Show>` and `<Transition>` over their children's view, so each use
//! monomorphises the primitive's machinery (effect loops, futures, signals, suspense
//! boundaries, drop glue) anew: with dozens of each, that copy-per-use was a large part of
//! the WASM. The wrappers here keep values type-erased (`dyn Any`, `AnyView`) and functions
//! boxed inside a single instantiation of each primitive, and hand values back typed.
//! They behave like the primitive they wrap; only what the app uses is exposed.
//! `Show` and `Transition` keep Leptos's names and props: a file imports them from here
//! (`use crate::reactive::Show`), which takes precedence over the prelude's glob import.
//! (`memo` is only a shorthand for `Memo::new`; it says there why it is not erased.)

mod action;
mod effect;
mod keyed;
mod memo;
mod resource;
mod show;
mod transition;

pub use action::LocalAction;
pub use effect::effect;
pub use keyed::Keyed;
pub use memo::memo;
pub use resource::Loader;
pub use show::Show;
pub use transition::Transition;
