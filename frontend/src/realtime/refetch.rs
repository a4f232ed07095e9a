//! [`Refetch`]: a view asking the API again because live events said it changed. Events
//! can come many a second; the view asks at most once per period, never twice at once,
//! and always once more after the last event (trailing edge), so it ends on the latest.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;

type Run = Rc<dyn Fn() -> LocalBoxFuture<'static, ()>>;

struct State {
    run: Run,
    period_ms: f64,
    /// When the latest run started (`Date.now()`).
    last_start: f64,
    /// The trailing run, waiting for the period to end.
    timer: Option<TimeoutHandle>,
    running: bool,
    /// Asked again while running: run once more when done.
    again: bool,
}

/// Cheap to copy; stops with the component that made it.
#[derive(Clone, Copy)]
pub struct Refetch(StoredValue<State, LocalStorage>);

impl Refetch {
    /// `run` asks the API and applies the answer (quietly: no skeleton, old data kept
    /// until the new is there).
    pub fn new<F>(period: Duration, run: impl Fn() -> F + 'static) -> Self
    where
        F: Future<Output = ()> + 'static,
    {
        Refetch::erased(period, Rc::new(move || run().boxed_local()))
    }

    #[inline(never)]
    fn erased(period: Duration, run: Run) -> Self {
        let state = StoredValue::new_local(State {
            run,
            period_ms: period.as_millis() as f64,
            last_start: f64::NEG_INFINITY,
            timer: None,
            running: false,
            again: false,
        });
        on_cleanup(move || {
            if let Some(Some(timer)) = state.try_update_value(|s| s.timer.take()) {
                timer.clear();
            }
        });
        Refetch(state)
    }

    /// Something changed: ask now if the period allows, else at its end.
    pub fn request(self) {
        let now = js_sys::Date::now();
        let wait = self.0.try_update_value(|s| {
            if s.running {
                s.again = true;
                None
            } else if s.timer.is_some() {
                None
            } else {
                Some(s.last_start + s.period_ms - now)
            }
        });
        match wait.flatten() {
            None => {}
            Some(wait) if wait <= 0.0 => self.start(),
            Some(wait) => {
                let timer =
                    set_timeout_with_handle(move || self.start(), Duration::from_millis(wait.ceil() as u64)).ok();
                self.0.try_update_value(|s| s.timer = timer);
            }
        }
    }

    fn start(self) {
        let run = self.0.try_update_value(|s| {
            s.timer = None;
            s.running = true;
            s.last_start = js_sys::Date::now();
            s.run.clone()
        });
        let Some(run) = run else { return };
        leptos::task::spawn_local(async move {
            run().await;
            let again = self.0.try_update_value(|s| {
                s.running = false;
                std::mem::take(&mut s.again)
            });
            if again == Some(true) {
                self.request();
            }
        });
    }
}
