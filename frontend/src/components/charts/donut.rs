//! Parts of a whole: a ring of slices, the total in its hole, and a legend with each
//! part's value and share.

use std::f64::consts::TAU;
use std::fmt::Write;

use leptos::prelude::*;

use super::plot::{Locate, Plot, Tip};
use super::table::DataTable;
use super::{Unit, markup, series_class};

#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub label: String,
    pub value: f64,
}

/// The ring's radius in the 42-unit box: its circumference is 100, so a dash of
/// `share × 100` draws the slice.
const RADIUS: f64 = 15.915_494;

/// A slice of the ring as markup, from `start` (a fraction of the turn, from twelve
/// o'clock) over `share`.
fn ring(class: &str, start: f64, share: f64, gap: bool) -> String {
    let length = share * 100.0;
    // A hairline gap between slices, unless the slice is too thin to lose it.
    let dash = if gap && length > 1.0 { length - 0.5 } else { length };
    // Dashes start at three o'clock; 25 more turns the first to twelve.
    format!(
        r#"<circle class="{class}" cx="21" cy="21" r="{RADIUS}" stroke-dasharray="{dash:.3} {:.3}" stroke-dashoffset="{:.3}"/>"#,
        100.0 - dash,
        25.0 - start * 100.0
    )
}

/// The slice under the pointer (fractions of the ring's box), if it is on the ring.
pub fn slice_at(shares: &[f64], fx: f64, fy: f64) -> Option<usize> {
    let (dx, dy) = (fx - 0.5, fy - 0.5);
    let distance = (dx * dx + dy * dy).sqrt();
    if !(0.25..=0.5).contains(&distance) {
        return None;
    }
    // Clockwise from twelve o'clock, as the slices are laid.
    let turn = dx.atan2(-dy).rem_euclid(TAU) / TAU;
    let mut end = 0.0;
    shares.iter().position(|share| {
        end += share;
        turn < end
    })
}

#[component]
pub fn DonutChart(label: String, slices: Vec<Slice>, unit: Unit) -> impl IntoView {
    let len = slices.len();
    let total: f64 = slices.iter().map(|s| s.value.max(0.0)).sum();
    let shares: Vec<f64> = slices
        .iter()
        .map(|s| if total > 0.0 { s.value.max(0.0) / total } else { 0.0 })
        .collect();
    let starts: Vec<f64> = shares
        .iter()
        .scan(0.0, |at, share| {
            let start = *at;
            *at += share;
            Some(start)
        })
        .collect();

    let mut rings = format!(r#"<circle class="donut__track" cx="21" cy="21" r="{RADIUS}"/>"#);
    let mut legend = String::new();
    for (i, slice) in slices.iter().enumerate() {
        rings.push_str(&ring(
            &format!("donut__slice {}", series_class(i)),
            starts[i],
            shares[i],
            len > 1,
        ));
        let _ = write!(
            legend,
            r#"<li class="donut__item"><span class="chart__swatch {}" aria-hidden="true"></span><span class="donut__label">{}</span><span class="donut__value">{}</span><span class="donut__share muted">{}</span></li>"#,
            series_class(i),
            markup::escape(&slice.label),
            markup::escape(&unit.full(slice.value)),
            Unit::Ratio.full(shares[i])
        );
    }

    let head = vec![String::new(), label.clone(), "Share".to_owned()];
    let rows = slices
        .iter()
        .zip(&shares)
        .map(|(slice, share)| vec![slice.label.clone(), unit.full(slice.value), Unit::Ratio.full(*share)])
        .collect();
    let active = RwSignal::new(None::<usize>);
    let data = StoredValue::new((slices, shares, starts));
    let tip = Signal::derive(move || {
        let i = active.get()?;
        data.with_value(|(slices, shares, _)| {
            let slice = slices.get(i)?;
            // Over the hole, where the total is. (Pointing at the arc would take sine
            // and cosine, and their tables, into the download.)
            Some(Tip {
                x: 50.0,
                y: 50.0,
                title: slice.label.clone(),
                lines: vec![
                    unit.full(slice.value),
                    format!("{} of the total", Unit::Ratio.full(shares[i])),
                ],
            })
        })
    });
    let highlight = move || {
        active
            .get()
            .map(|i| {
                data.with_value(|(_, shares, starts)| {
                    ring(
                        &format!("donut__active {}", series_class(i)),
                        starts[i],
                        shares[i],
                        false,
                    )
                })
            })
            .unwrap_or_default()
    };
    let locate: Locate =
        Callback::new(move |(fx, fy): (f64, f64)| data.with_value(|(_, shares, _)| slice_at(shares, fx, fy)));

    view! {
        <figure class="chart donut">
            <Plot label=label.clone() len active locate tip class="donut__plot">
                <svg class="donut__svg" viewBox="0 0 42 42" aria-hidden="true" focusable="false" inner_html=rings></svg>
                <svg class="donut__svg donut__overlay" viewBox="0 0 42 42" aria-hidden="true" focusable="false" inner_html=highlight></svg>
                <span class="donut__total" aria-hidden="true">
                    <strong>{unit.full(total)}</strong>
                    <span class="muted small">"in all"</span>
                </span>
            </Plot>
            <ul class="donut__legend" inner_html=legend></ul>
            <DataTable caption=label head rows />
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::slice_at;

    #[test]
    fn the_pointer_finds_the_slice_under_it() {
        let shares = [0.5, 0.25, 0.25];
        // Right of the centre, on the ring: a quarter turn, in the first half.
        assert_eq!(slice_at(&shares, 0.9, 0.5), Some(0));
        // Below: half a turn, the second slice begins.
        assert_eq!(slice_at(&shares, 0.5, 0.9), Some(1));
        // Left: three quarters, the third.
        assert_eq!(slice_at(&shares, 0.1, 0.5), Some(2));
        // The hole and the corners are no slice.
        assert_eq!(slice_at(&shares, 0.5, 0.5), None);
        assert_eq!(slice_at(&shares, 0.0, 0.0), None);
    }
}
