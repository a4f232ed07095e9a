//! How long to wait before the next connection attempt: exponential backoff with full
//! jitter (anywhere from nothing up to a window that doubles with each failure in a row),
//! so that the browsers an API restart dropped all at once do not all come back at once.

const BASE_MS: f64 = 500.0;
const CAP_MS: f64 = 30_000.0;

/// Failures in a row after which the status says "offline" (while still retrying).
pub const OFFLINE_AFTER: u32 = 5;

#[derive(Debug, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait before the next attempt; `random` is uniform in `[0, 1)`.
    pub fn delay_ms(&self, random: f64) -> f64 {
        random.clamp(0.0, 1.0) * window_ms(self.failures)
    }

    /// An attempt ended before the connection was ready.
    pub fn failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    /// A connection reached `ready`: the next drop starts from the smallest window again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

fn window_ms(failures: u32) -> f64 {
    (BASE_MS * 2f64.powi(failures.min(16) as i32)).min(CAP_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_doubles_up_to_the_cap_and_resets_after_a_ready_connection() {
        let mut backoff = Backoff::default();
        let windows: Vec<f64> = (0..9)
            .map(|_| {
                let window = backoff.delay_ms(1.0);
                backoff.failed();
                window
            })
            .collect();
        assert_eq!(
            windows,
            [
                500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16_000.0, 30_000.0, 30_000.0, 30_000.0
            ]
        );
        // Full jitter: anywhere in the window, nothing included.
        assert_eq!(backoff.delay_ms(0.0), 0.0);
        assert_eq!(backoff.delay_ms(0.25), 7_500.0);
        for _ in 0..100 {
            backoff.failed();
        }
        assert_eq!(backoff.delay_ms(1.0), CAP_MS);
        backoff.reset();
        assert_eq!(backoff.failures(), 0);
        assert_eq!(backoff.delay_ms(1.0), BASE_MS);
    }
}
