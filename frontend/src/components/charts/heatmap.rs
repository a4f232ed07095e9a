//! A grid of cells shaded by value: the rows and columns of the grid are named (weekdays
//! and hours), the darkest cell is the largest value.

use std::fmt::Write;

use leptos::prelude::*;

use super::plot::{Locate, Plot, Tip};
use super::table::DataTable;
use super::{Unit, markup};

#[component]
pub fn HeatmapChart(
    label: String,
    /// Row names, top to bottom.
    rows: Vec<String>,
    /// Column names, left to right; those in `column_ticks` are printed under the grid.
    columns: Vec<String>,
    column_ticks: Vec<usize>,
    /// Counts, row after row.
    values: Vec<f64>,
    /// What is counted, plural ("calls").
    what: &'static str,
) -> impl IntoView {
    let unit = Unit::Count;
    let (height, width) = (rows.len(), columns.len());
    let len = height * width;
    let top = values.iter().fold(0.0, |max: f64, v| max.max(*v));

    let mut cells = String::new();
    for (i, value) in values.iter().take(len).enumerate() {
        let (x, y) = ((i % width) as f64 + 0.06, (i / width) as f64 + 0.06);
        if *value > 0.0 && top > 0.0 {
            // Any value is visibly darker than none.
            let strength = 0.15 + 0.85 * value / top;
            let _ = write!(
                cells,
                r#"<rect class="heatmap__cell" x="{x:.2}" y="{y:.2}" width="0.88" height="0.88" fill-opacity="{strength:.3}"/>"#
            );
        } else {
            let _ = write!(
                cells,
                r#"<rect class="heatmap__cell heatmap__cell--empty" x="{x:.2}" y="{y:.2}" width="0.88" height="0.88"/>"#
            );
        }
    }
    let mut row_labels = String::new();
    for name in &rows {
        let _ = write!(row_labels, "<span>{}</span>", markup::escape(name));
    }
    let column_labels: Vec<(f64, String)> = column_ticks
        .iter()
        .filter_map(|&c| Some(((c as f64 + 0.5) * 100.0 / width as f64, columns.get(c)?.clone())))
        .collect();

    let head = std::iter::once(String::new()).chain(columns.iter().cloned()).collect();
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(r, name)| {
            std::iter::once(name.clone())
                .chain((0..width).map(|c| unit.full(values.get(r * width + c).copied().unwrap_or(0.0))))
                .collect()
        })
        .collect();
    let active = RwSignal::new(None::<usize>);
    let data = StoredValue::new((rows, columns, values));
    let tip = Signal::derive(move || {
        let i = active.get()?;
        let (row, column) = (i / width, i % width);
        data.with_value(|(rows, columns, values)| {
            Some(Tip {
                x: (column as f64 + 0.5) * 100.0 / width as f64,
                y: row as f64 * 100.0 / height as f64,
                title: format!("{} {}", rows.get(row)?, columns.get(column)?),
                lines: vec![format!("{} {what}", unit.full(values.get(i).copied().unwrap_or(0.0)))],
            })
        })
    });
    let highlight = move || {
        active
            .get()
            .map(|i| {
                format!(
                    r#"<rect class="heatmap__active" x="{}" y="{}" width="1" height="1"/>"#,
                    i % width,
                    i / width
                )
            })
            .unwrap_or_default()
    };
    let locate: Locate = Callback::new(move |(fx, fy): (f64, f64)| {
        (len > 0).then(|| {
            let column = ((fx * width as f64) as usize).min(width - 1);
            let row = ((fy * height as f64) as usize).min(height - 1);
            row * width + column
        })
    });
    let view_box = format!("0 0 {width} {height}");

    view! {
        <figure class="chart heatmap">
            <div class="heatmap__body" style=format!("--rows: {height}")>
                <div class="heatmap__rows" aria-hidden="true" inner_html=row_labels></div>
                <Plot label=label.clone() len columns=width active locate tip class="heatmap__plot">
                    <svg class="heatmap__svg" viewBox=view_box.clone() preserveAspectRatio="none" aria-hidden="true" focusable="false" inner_html=cells></svg>
                    <svg class="heatmap__svg heatmap__overlay" viewBox=view_box preserveAspectRatio="none" aria-hidden="true" focusable="false" inner_html=highlight></svg>
                </Plot>
                <div class="chart__x-axis heatmap__columns" aria-hidden="true" inner_html=markup::labels("chart__x-label", "left", &column_labels)></div>
            </div>
            <p class="heatmap__scale muted small" aria-hidden="true">
                "Fewer" <span class="heatmap__ramp"></span> "More"
            </p>
            <DataTable caption=label head rows=table_rows />
        </figure>
    }
}
