use leptos::prelude::*;

/// `Memo::new` for a function that does not look at the previous value: recomputes when a
/// signal it read changes, and notifies only when the value changed.
///
/// Unlike its neighbours this one is not type-erased: a memo's machinery is per value type
/// anyway, and boxing the function measured a few hundred bytes larger, not smaller.
pub fn memo<T: PartialEq + Send + Sync + 'static>(compute: impl Fn() -> T + Send + Sync + 'static) -> Memo<T> {
    Memo::new(move |_| compute())
}
