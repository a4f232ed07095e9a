//! Small SVG charts for the dashboard and analytics: lines and areas, horizontal bars, a
//! donut and a weekday × hour heatmap. Each takes plain numbers (`Vec<f64>`), so there is
//! one copy of each in the download, whatever it plots.
//!
//! They share one way of working: the plot is drawn in percent coordinates
//! (`viewBox="0 0 100 100"`, stretched to the box), so it fills any width while the
//! labels and the tooltip, laid over it in HTML at the same percentages, keep their
//! size and stay readable down to 320 px. The pointer and the arrow keys move the active
//! point ([`plot::Plot`]); every chart also has its data as a table. Colours are the
//! theme's `--chart-*` variables (`style/analytics.css`).

pub mod bars;
pub mod donut;
pub mod format;
pub mod heatmap;
pub mod line;
mod markup;
mod plot;
pub mod scale;
mod table;
pub mod time;

pub use format::Unit;

/// The palette class of the `index`th series: `series-1` … `series-6`, then again.
fn series_class(index: usize) -> String {
    format!("series-{}", index % 6 + 1)
}
