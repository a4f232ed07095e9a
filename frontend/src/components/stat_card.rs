//! A headline number with its trend against the period before.

use leptos::prelude::*;

/// How a number moved from the period before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delta {
    /// Up by this many percent.
    Up(f64),
    /// Down by this many percent.
    Down(f64),
    Same,
    /// From nothing: no percentage means anything.
    New,
}

impl Delta {
    pub fn between(value: f64, previous: f64) -> Delta {
        if previous == 0.0 {
            return if value == 0.0 { Delta::Same } else { Delta::New };
        }
        let percent = (value - previous) / previous.abs() * 100.0;
        if percent.abs() < 0.05 {
            Delta::Same
        } else if percent > 0.0 {
            Delta::Up(percent)
        } else {
            Delta::Down(-percent)
        }
    }

    pub fn text(self) -> String {
        let percent = |p: f64| {
            if p >= 100.0 {
                format!("{p:.0}%")
            } else {
                let text = format!("{p:.1}");
                format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
            }
        };
        match self {
            Delta::Up(p) => format!("+{}", percent(p)),
            Delta::Down(p) => format!("−{}", percent(p)),
            Delta::Same => "No change".to_owned(),
            Delta::New => "New".to_owned(),
        }
    }

    fn arrow(self) -> &'static str {
        match self {
            Delta::Up(_) | Delta::New => "▲",
            Delta::Down(_) => "▼",
            Delta::Same => "■",
        }
    }
}

/// Which way is good news for a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Better {
    /// Calls, users: more is better.
    #[default]
    Higher,
    /// Errors, latency: less is better.
    Lower,
    /// Cost: neither, it is just to watch.
    Neither,
}

fn tone(delta: Delta, better: Better) -> &'static str {
    match (delta, better) {
        (Delta::Same, _) | (_, Better::Neither) => "trend--neutral",
        (Delta::Up(_) | Delta::New, Better::Higher) | (Delta::Down(_), Better::Lower) => "trend--good",
        _ => "trend--bad",
    }
}

#[component]
pub fn StatCard(
    label: &'static str,
    value: String,
    delta: Delta,
    /// The number compared against, as shown ("1,204").
    previous: String,
    /// The period compared against ("yesterday by now").
    against: &'static str,
    #[prop(optional)] better: Better,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="card stat-card" data-testid=testid>
            <p class="stat-card__label">{label}</p>
            <p class="stat-card__value" data-testid=format!("{testid}-value")>{value}</p>
            <p class=format!("stat-card__trend {}", tone(delta, better))>
                <span class="stat-card__arrow" aria-hidden="true">{delta.arrow()}</span>
                <span class="stat-card__delta">{delta.text()}</span>
                <span class="muted">{format!(" vs {against} ({previous})")}</span>
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_in_percent() {
        assert_eq!(Delta::between(150.0, 100.0), Delta::Up(50.0));
        assert_eq!(Delta::between(75.0, 100.0), Delta::Down(25.0));
        assert_eq!(Delta::between(100.0, 100.0), Delta::Same);
        assert_eq!(Delta::between(0.0, 40.0), Delta::Down(100.0));
    }

    #[test]
    fn nothing_before_is_new_not_infinite() {
        assert_eq!(Delta::between(12.0, 0.0), Delta::New);
        assert_eq!(Delta::between(0.0, 0.0), Delta::Same);
        assert_eq!(Delta::New.text(), "New");
        assert_eq!(Delta::Same.text(), "No change");
    }

    #[test]
    fn delta_text() {
        assert_eq!(Delta::Up(12.345).text(), "+12.3%");
        assert_eq!(Delta::Up(50.0).text(), "+50%");
        assert_eq!(Delta::Down(3.04).text(), "−3%");
        assert_eq!(Delta::Up(250.4).text(), "+250%");
    }

    #[test]
    fn good_news_depends_on_the_number() {
        assert_eq!(tone(Delta::Up(5.0), Better::Higher), "trend--good");
        assert_eq!(tone(Delta::Up(5.0), Better::Lower), "trend--bad");
        assert_eq!(tone(Delta::Down(5.0), Better::Lower), "trend--good");
        assert_eq!(tone(Delta::New, Better::Neither), "trend--neutral");
        assert_eq!(tone(Delta::Same, Better::Higher), "trend--neutral");
    }
}
