//! [`LocalAction`]: the SPA's `Action`, with Leptos's action machinery compiled once.
//!
//! Every `Action<I, O>` monomorphises Leptos's action (its dispatch task, its value and
//! input signals, their drop glue) for its own `I`, `O` and function; the app has dozens.
//! A `LocalAction<I, O>` holds one `Action` over type-erased values and hands them back
//! typed, so all of them share one copy (the same idea as [`super::Loader`]).
//! It behaves like the action it wraps: `dispatch` runs the function, `pending` is true
//! while a run is under way, `value` holds the outcome of the latest run.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use leptos::reactive::actions::ActionAbortHandle;

type Value = Arc<dyn Any + Send + Sync>;
type Run = Box<dyn Fn(&Value) -> LocalBoxFuture<'static, Value>>;

/// An `Action::new_local` (see the module docs). Cheap to copy.
pub struct LocalAction<I, O> {
    inner: Action<Value, Value>,
    ty: PhantomData<fn(I) -> O>,
}

impl<I, O> Clone for LocalAction<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for LocalAction<I, O> {}

impl<I, O> LocalAction<I, O>
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    /// Like `Action::new_local`: `run` gets the dispatched input.
    pub fn new<Fut>(run: impl Fn(&I) -> Fut + 'static) -> Self
    where
        Fut: Future<Output = O> + 'static,
    {
        let run: Run = Box::new(move |input| run(typed_ref::<I>(input)).map(erase).boxed_local());
        LocalAction {
            inner: erased(run),
            ty: PhantomData,
        }
    }

    /// Runs the function with `input`.
    pub fn dispatch(&self, input: I) -> ActionAbortHandle {
        self.inner.dispatch(Arc::new(input))
    }

    /// True while a run is under way.
    pub fn pending(&self) -> Memo<bool> {
        self.inner.pending()
    }

    /// The outcome of the latest run, if any.
    pub fn value(&self) -> ActionValue<O> {
        ActionValue {
            inner: self.inner.value(),
            ty: PhantomData,
        }
    }

    /// How many runs have finished.
    pub fn version(&self) -> RwSignal<usize> {
        self.inner.version()
    }
}

/// The one `Action` the app instantiates.
#[inline(never)]
fn erased(run: Run) -> Action<Value, Value> {
    Action::new_local(run)
}

fn erase<O: Send + Sync + 'static>(value: O) -> Value {
    Arc::new(value)
}

fn typed_ref<T: 'static>(value: &Value) -> &T {
    value
        .downcast_ref::<T>()
        .expect("an action holds the types it was made with")
}

/// [`LocalAction::value`]: the outcome of the latest run, read and written typed.
pub struct ActionValue<O> {
    inner: MappedSignal<Option<Value>>,
    ty: PhantomData<fn() -> O>,
}

impl<O: Clone + Send + Sync + 'static> ActionValue<O> {
    /// The outcome (tracked).
    pub fn get(&self) -> Option<O> {
        self.inner
            .with(|value| value.as_ref().map(|value| typed_ref::<O>(value).clone()))
    }

    /// Reads the outcome in place (tracked).
    pub fn with<R>(&self, f: impl FnOnce(Option<&O>) -> R) -> R {
        self.inner.with(|value| f(value.as_ref().map(typed_ref::<O>)))
    }

    pub fn set(&self, value: Option<O>) {
        self.inner.set(value.map(erase));
    }
}
