use std::time::Duration;

use leptos::prelude::*;

/// A countdown to when the server will take sign-in attempts again (after a 429).
#[derive(Clone, Copy)]
pub struct Cooldown {
    remaining: RwSignal<u64>,
    timer: StoredValue<Option<IntervalHandle>>,
}

impl Cooldown {
    pub fn new() -> Self {
        let cooldown = Cooldown {
            remaining: RwSignal::new(0),
            timer: StoredValue::new(None),
        };
        on_cleanup(move || cooldown.stop());
        cooldown
    }

    /// Whole seconds left (tracked); 0 when attempts are allowed.
    pub fn remaining(&self) -> u64 {
        self.remaining.get()
    }

    pub fn is_running(&self) -> bool {
        self.remaining() > 0
    }

    pub fn start(&self, seconds: u64) {
        self.stop();
        // Counted against the clock, not by ticks: timers in background tabs are throttled.
        let deadline = js_sys::Date::now() + seconds as f64 * 1000.0;
        self.remaining.set(seconds);
        let this = *self;
        let tick = move || {
            let left = ((deadline - js_sys::Date::now()) / 1000.0).ceil().max(0.0) as u64;
            this.remaining.try_set(left);
            if left == 0 {
                this.stop();
            }
        };
        match set_interval_with_handle(tick, Duration::from_millis(250)) {
            Ok(handle) => self.timer.set_value(Some(handle)),
            // Without a timer the countdown could never end: let the admin retry at once
            // and the server answer again.
            Err(_) => self.remaining.set(0),
        }
    }

    fn stop(&self) {
        if let Some(handle) = self.timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    }
}
