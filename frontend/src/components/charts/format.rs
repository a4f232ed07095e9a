//! Numbers as the charts print them: short on the axes ("$1.2k", "250 ms"), in full in
//! tooltips, tables and cards ("$1,234.56").

/// What a chart's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole number of things (calls, users, errors).
    Count,
    /// US dollars.
    Usd,
    /// Milliseconds.
    Ms,
    /// A fraction, shown as a percentage (0.25 is 25%).
    Ratio,
}

impl Unit {
    /// An axis label: short, with as many decimals as the axis step needs.
    pub fn tick(self, value: f64, step: f64) -> String {
        // The baseline is plain `0` whatever the step.
        let step = if value == 0.0 { 1.0 } else { step };
        match self {
            Unit::Count if value >= 1000.0 => compact(value),
            Unit::Count => fixed(value, decimals_for(step)),
            Unit::Usd if value >= 1000.0 => format!("${}", compact(value)),
            Unit::Usd => format!("${}", fixed(value, decimals_for(step))),
            Unit::Ms if value >= 1000.0 => format!("{} s", fixed(value / 1000.0, decimals_for(step / 1000.0))),
            Unit::Ms => format!("{} ms", fixed(value, decimals_for(step))),
            Unit::Ratio => format!("{}%", fixed(value * 100.0, decimals_for(step * 100.0))),
        }
    }

    /// A value in full.
    pub fn full(self, value: f64) -> String {
        match self {
            Unit::Count => grouped(value.round() as i64),
            Unit::Usd => usd(value),
            Unit::Ms if value >= 10_000.0 => format!("{:.1} s", value / 1000.0),
            Unit::Ms if value >= 1000.0 => format!("{:.2} s", value / 1000.0),
            Unit::Ms if value < 10.0 => format!("{} ms", trimmed(format!("{value:.1}"))),
            Unit::Ms => format!("{value:.0} ms"),
            Unit::Ratio => format!("{}%", trimmed(format!("{:.1}", value * 100.0))),
        }
    }

    /// Whether the values are whole numbers (an axis then steps by whole numbers).
    pub fn is_whole(self) -> bool {
        self == Unit::Count
    }
}

/// Dollars and cents; fractions of a cent keep their first significant digits
/// (`$0.0042`), since single calls often cost less than a cent.
fn usd(value: f64) -> String {
    let value = value.max(0.0);
    if value == 0.0 || value >= 0.1 {
        let cents = (value * 100.0).round() as i64;
        format!("${}.{:02}", grouped(cents / 100), cents % 100)
    } else if value >= 0.001 {
        format!("${value:.4}")
    } else {
        format!("${value:.6}")
    }
}

/// `12,345`.
fn grouped(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `1.2k`, `34M`, `5B`: one decimal below 100 of the unit, none above.
fn compact(value: f64) -> String {
    let (scaled, suffix) = if value >= 1e9 {
        (value / 1e9, "B")
    } else if value >= 1e6 {
        (value / 1e6, "M")
    } else {
        (value / 1e3, "k")
    };
    let number = if scaled >= 100.0 {
        format!("{scaled:.0}")
    } else {
        trimmed(format!("{scaled:.1}"))
    };
    format!("{number}{suffix}")
}

/// The fewest decimals (at most 6) that write every multiple of `step` exactly.
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

fn fixed(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

/// Without a trailing `.0`.
fn trimmed(text: String) -> String {
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(Unit::Count.full(0.0), "0");
        assert_eq!(Unit::Count.full(1234567.0), "1,234,567");
        assert_eq!(Unit::Count.full(999.0), "999");
        assert_eq!(Unit::Count.tick(250.0, 50.0), "250");
        assert_eq!(Unit::Count.tick(1500.0, 500.0), "1.5k");
        assert_eq!(Unit::Count.tick(2000.0, 500.0), "2k");
        assert_eq!(Unit::Count.tick(250_000.0, 50_000.0), "250k");
        assert_eq!(Unit::Count.tick(3_400_000.0, 1e6), "3.4M");
    }

    #[test]
    fn money() {
        assert_eq!(Unit::Usd.full(0.0), "$0.00");
        assert_eq!(Unit::Usd.full(0.0042), "$0.0042");
        assert_eq!(Unit::Usd.full(0.000_35), "$0.000350");
        assert_eq!(Unit::Usd.full(0.42), "$0.42");
        assert_eq!(Unit::Usd.full(1234.567), "$1,234.57");
        assert_eq!(Unit::Usd.tick(0.0, 0.5), "$0");
        assert_eq!(Unit::Ms.tick(0.0, 0.5), "0 ms");
        assert_eq!(Unit::Usd.tick(0.75, 0.25), "$0.75");
        assert_eq!(Unit::Usd.tick(0.004, 0.002), "$0.004");
        assert_eq!(Unit::Usd.tick(20.0, 5.0), "$20");
        assert_eq!(Unit::Usd.tick(1500.0, 500.0), "$1.5k");
    }

    #[test]
    fn milliseconds() {
        assert_eq!(Unit::Ms.full(4.26), "4.3 ms");
        assert_eq!(Unit::Ms.full(120.4), "120 ms");
        assert_eq!(Unit::Ms.full(1234.0), "1.23 s");
        assert_eq!(Unit::Ms.full(12_340.0), "12.3 s");
        assert_eq!(Unit::Ms.tick(250.0, 50.0), "250 ms");
        assert_eq!(Unit::Ms.tick(1500.0, 500.0), "1.5 s");
        assert_eq!(Unit::Ms.tick(2000.0, 1000.0), "2 s");
    }

    #[test]
    fn ratios() {
        assert_eq!(Unit::Ratio.full(0.125), "12.5%");
        assert_eq!(Unit::Ratio.full(0.0), "0%");
        assert_eq!(Unit::Ratio.tick(0.2, 0.05), "20%");
        assert_eq!(Unit::Ratio.tick(0.025, 0.025), "2.5%");
    }

    #[test]
    fn decimals_follow_the_step() {
        assert_eq!(decimals_for(5.0), 0);
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(0.002), 3);
        assert_eq!(decimals_for(0.0), 0);
    }
}
