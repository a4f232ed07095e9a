//! A server's health in words and colour (never colour alone).

use leptos::prelude::*;
use omni_types::mcp::HealthStatus;

pub fn label(status: HealthStatus) -> &'static str {
    match status {
        HealthStatus::Up => "Up",
        HealthStatus::Degraded => "Degraded",
        HealthStatus::Down => "Down",
        HealthStatus::AuthRequired => "Auth required",
        HealthStatus::Disabled => "Disabled",
        HealthStatus::Unknown => "Not checked yet",
    }
}

pub fn tone(status: HealthStatus) -> &'static str {
    match status {
        HealthStatus::Up => "health--up",
        HealthStatus::Degraded => "health--degraded",
        HealthStatus::Down | HealthStatus::AuthRequired => "health--down",
        HealthStatus::Disabled | HealthStatus::Unknown => "health--idle",
    }
}

#[component]
pub fn HealthBadge(#[prop(into)] status: Signal<HealthStatus>) -> impl IntoView {
    view! {
        <span class=move || format!("health {}", tone(status.get())) data-testid="health-status">
            <span class="health__dot" aria-hidden="true"></span>
            {move || label(status.get())}
        </span>
    }
}

/// `1.2 s` or `340 ms`.
pub fn latency(ms: Option<i32>) -> String {
    match ms {
        None => "—".to_owned(),
        Some(ms) if ms >= 1000 => format!("{:.1} s", f64::from(ms) / 1000.0),
        Some(ms) => format!("{ms} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_read_naturally() {
        assert_eq!(latency(Some(340)), "340 ms");
        assert_eq!(latency(Some(1234)), "1.2 s");
        assert_eq!(latency(None), "—");
    }
}
