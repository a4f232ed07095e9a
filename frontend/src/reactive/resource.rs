//! [`Loader`]: the SPA's `LocalResource`, with Leptos's async machinery compiled once.
//!
//! Every `LocalResource<T>` monomorphises Leptos's async-derived signal (its effect loop,
//! its future, its drop glue) for its own `T` and fetcher: about 3 KB of WASM per resource,
//! and the app has dozens. A `Loader<T>` holds its value type-erased in one
//! `LocalResource<Rc<dyn Any>>` and hands it back typed, so all of them share one copy.
//! It behaves like the resource it wraps: it re-runs when the signals its fetcher reads
//! change, `refetch` re-runs it, and `.await` inside `Suspend` (and so `<Transition>`)
//! waits for it and yields a clone of the value.

use std::any::Any;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::rc::Rc;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Map};
use leptos::prelude::*;
use leptos::reactive::computed::AsyncDerivedFuture;

type Value = Rc<dyn Any>;
type Fetch = Box<dyn Fn() -> LocalBoxFuture<'static, Value>>;

/// A `LocalResource<T>` (see the module docs). Cheap to copy.
pub struct Loader<T> {
    inner: LocalResource<Value>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loader<T> {}

impl<T: Clone + 'static> Loader<T> {
    /// Like `LocalResource::new`: runs `fetcher` now, and again whenever a signal it read
    /// changes.
    pub fn new<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        let fetch: Fetch = Box::new(move || fetcher().map(|value| Rc::new(value) as Value).boxed_local());
        Loader {
            inner: erased(fetch),
            ty: PhantomData,
        }
    }

    /// Runs the fetcher again.
    pub fn refetch(&self) {
        self.inner.refetch();
    }

    /// The value, once loaded (tracked, like `LocalResource::get`).
    pub fn get(&self) -> Option<T> {
        self.inner.with(|value| value.as_ref().map(typed::<T>))
    }
}

/// The one `LocalResource` the app instantiates.
#[inline(never)]
fn erased(fetch: Fetch) -> LocalResource<Value> {
    LocalResource::new(fetch)
}

fn typed<T: Clone + 'static>(value: &Value) -> T {
    value
        .downcast_ref::<T>()
        .expect("a loader holds the type it was made with")
        .clone()
}

fn owned<T: Clone + 'static>(value: Value) -> T {
    typed(&value)
}

impl<T: Clone + 'static> IntoFuture for Loader<T> {
    type Output = T;
    type IntoFuture = Map<AsyncDerivedFuture<Value>, fn(Value) -> T>;

    fn into_future(self) -> Self::IntoFuture {
        self.inner.into_future().map(owned::<T> as fn(Value) -> T)
    }
}
