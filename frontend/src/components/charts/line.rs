//! Values over time: one or more lines, the first optionally filled as an area.

use std::fmt::Write;

use leptos::prelude::*;

use super::markup;
use super::plot::{Locate, Plot, Tip};
use super::scale::{self, Axis};
use super::table::DataTable;
use super::{Unit, series_class};

/// One line: a value per point, `None` where there is none (a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

#[component]
pub fn LineChart(
    /// What the chart shows ("Calls per hour").
    label: String,
    /// Each point's name in full, for the tooltip and the table ("Mar 3, 14:00").
    points: Vec<String>,
    /// The time axis: (point, short label).
    ticks: Vec<(usize, String)>,
    lines: Vec<Line>,
    unit: Unit,
    /// Fill the area under the first line.
    #[prop(optional)]
    area: bool,
) -> impl IntoView {
    let len = points.len();
    let top = lines
        .iter()
        .flat_map(|line| line.values.iter().flatten())
        .fold(0.0, |max: f64, v| max.max(*v));
    let axis = Axis::new(top, 4, unit.is_whole());

    // The drawing and the labels never change: markup (see `markup`).
    let mut svg = String::new();
    for tick in &axis.ticks {
        let y = axis.y(*tick);
        let _ = write!(
            svg,
            r#"<line class="chart__grid" x1="0" x2="100" y1="{y:.2}" y2="{y:.2}"/>"#
        );
    }
    if let Some(first) = lines.first().filter(|_| area) {
        let _ = write!(
            svg,
            r#"<path class="chart__area series-1" d="{}"/>"#,
            area_path(&first.values, &axis)
        );
    }
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<path class="chart__line {}" d="{}"/>"#,
            series_class(i),
            line_path(&line.values, &axis)
        );
    }
    let y_labels: Vec<(f64, String)> = axis
        .ticks
        .iter()
        .map(|t| (axis.y(*t), unit.tick(*t, axis.step)))
        .collect();
    let x_labels: Vec<(f64, String)> = ticks.into_iter().map(|(i, text)| (scale::x(i, len), text)).collect();
    let legend = (lines.len() > 1).then(|| {
        let names: Vec<&str> = lines.iter().map(|line| line.name.as_str()).collect();
        markup::legend(&names)
    });

    let head = std::iter::once(String::new())
        .chain(lines.iter().map(|line| line.name.clone()))
        .collect();
    let rows = points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            std::iter::once(point.clone())
                .chain(
                    lines
                        .iter()
                        .map(|line| value_text(line.values.get(i).copied().flatten(), unit)),
                )
                .collect()
        })
        .collect();

    let active = RwSignal::new(None::<usize>);
    let data = StoredValue::new((points, lines, axis));
    let tip = Signal::derive(move || {
        let i = active.get()?;
        data.with_value(|(points, lines, axis)| {
            let top = lines
                .iter()
                .filter_map(|line| line.values.get(i).copied().flatten())
                .fold(0.0, f64::max);
            Some(Tip {
                x: scale::x(i, points.len()),
                y: axis.y(top),
                title: points.get(i)?.clone(),
                lines: lines
                    .iter()
                    .map(|line| {
                        format!(
                            "{}: {}",
                            line.name,
                            value_text(line.values.get(i).copied().flatten(), unit)
                        )
                    })
                    .collect(),
            })
        })
    });
    // The active point: a cursor line and a dot on each line.
    let markers = move || {
        let Some(i) = active.get() else {
            return String::new();
        };
        let x = scale::x(i, len);
        let mut html = format!(r#"<span class="chart__cursor" style="left:{x:.2}%"></span>"#);
        data.with_value(|(_, lines, axis)| {
            for (n, line) in lines.iter().enumerate() {
                if let Some(value) = line.values.get(i).copied().flatten() {
                    let _ = write!(
                        html,
                        r#"<span class="chart__dot {}" style="left:{x:.2}%;top:{:.2}%"></span>"#,
                        series_class(n),
                        axis.y(value)
                    );
                }
            }
        });
        html
    };
    let locate: Locate = Callback::new(move |(fx, _): (f64, f64)| {
        (len > 0).then(|| ((fx * len.saturating_sub(1) as f64).round() as usize).min(len - 1))
    });

    view! {
        <figure class="chart">
            {legend.map(|html| view! { <ul class="chart__legend" inner_html=html></ul> })}
            <div class="chart__body">
                <div class="chart__y-axis" aria-hidden="true" inner_html=markup::labels("chart__y-label", "top", &y_labels)></div>
                <Plot label=label.clone() len active locate tip class="chart__plot">
                    <svg
                        class="chart__svg"
                        viewBox="0 0 100 100"
                        preserveAspectRatio="none"
                        aria-hidden="true"
                        focusable="false"
                        inner_html=svg
                    ></svg>
                    <div class="chart__markers" aria-hidden="true" inner_html=markers></div>
                </Plot>
                <div class="chart__x-axis" aria-hidden="true" inner_html=markup::labels("chart__x-label", "left", &x_labels)></div>
            </div>
            <DataTable caption=label head rows />
        </figure>
    }
}

fn value_text(value: Option<f64>, unit: Unit) -> String {
    value.map_or_else(|| "—".to_owned(), |v| unit.full(v))
}

/// `M x y L x y …`, starting again after each gap.
fn line_path(values: &[Option<f64>], axis: &Axis) -> String {
    let mut d = String::new();
    let mut drawing = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let command = if drawing { 'L' } else { 'M' };
                let _ = write!(d, "{command}{:.2} {:.2}", scale::x(i, values.len()), axis.y(*v));
                drawing = true;
            }
            None => drawing = false,
        }
    }
    // A lone point is a line of no length; round caps draw it as a dot.
    if values.iter().flatten().count() == 1 {
        d.push_str("h0.01");
    }
    d
}

/// The area under the values (gaps as zero), closed along the baseline.
fn area_path(values: &[Option<f64>], axis: &Axis) -> String {
    let len = values.len();
    if len == 0 {
        return String::new();
    }
    let mut d = format!("M{:.2} 100", scale::x(0, len));
    for (i, value) in values.iter().enumerate() {
        let _ = write!(d, "L{:.2} {:.2}", scale::x(i, len), axis.y(value.unwrap_or(0.0)));
    }
    let _ = write!(d, "L{:.2} 100Z", scale::x(len - 1, len));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_break_the_line() {
        let axis = Axis::new(100.0, 4, true);
        assert_eq!(
            line_path(&[Some(0.0), Some(100.0), None, Some(50.0), Some(25.0)], &axis),
            "M0.00 100.00L25.00 0.00M75.00 50.00L100.00 75.00"
        );
        assert_eq!(line_path(&[None, Some(50.0), None], &axis), "M50.00 50.00h0.01");
    }

    #[test]
    fn areas_close_on_the_baseline() {
        let axis = Axis::new(100.0, 4, true);
        assert_eq!(
            area_path(&[Some(50.0), None, Some(100.0)], &axis),
            "M0.00 100L0.00 50.00L50.00 100.00L100.00 0.00L100.00 100Z"
        );
        assert_eq!(area_path(&[], &axis), "");
    }
}
