use leptos::prelude::*;

/// `Effect::new` for a function that reads signals and returns nothing (see the module
/// docs): runs it after the current render, and again whenever a signal it read changes.
pub fn effect(run: impl FnMut() + 'static) -> Effect<LocalStorage> {
    erased(Box::new(run))
}

/// The one `Effect` the app instantiates.
#[inline(never)]
fn erased(run: Box<dyn FnMut()>) -> Effect<LocalStorage> {
    Effect::new(run)
}
