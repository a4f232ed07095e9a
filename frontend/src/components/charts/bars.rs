//! A ranking: one horizontal bar per item, largest first, each with its name and value
//! in text, and a link when the item has a page.

use std::fmt::Write;

use leptos::prelude::*;

use super::plot::{Locate, Plot, Tip};
use super::table::DataTable;
use super::{Unit, markup};

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The item's page, if it has one.
    pub href: Option<String>,
    /// More about the item, for the tooltip and the table ("34 calls").
    pub detail: String,
}

/// The rows as markup (see `markup`). Plain links: the router follows them as it does its own.
fn rows_markup(bars: &[Bar], unit: Unit, width: impl Fn(f64) -> f64) -> String {
    let mut html = String::new();
    for bar in bars {
        let label = markup::escape(&bar.label);
        let name = match &bar.href {
            Some(href) => format!(r#"<a class="bars__link" href="{}">{label}</a>"#, markup::escape(href)),
            None => label,
        };
        let _ = write!(
            html,
            r#"<li class="bars__row"><span class="bars__text"><span class="bars__label">{name}</span><span class="bars__value">{}</span></span><svg class="bars__svg" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="bars__track" width="100" height="1"/><rect class="bars__fill series-1" width="{:.2}" height="1"/></svg></li>"#,
            markup::escape(&unit.full(bar.value)),
            width(bar.value)
        );
    }
    html
}

#[component]
pub fn BarChart(
    label: String,
    bars: Vec<Bar>,
    unit: Unit,
    /// The heading of the table's detail column ("Calls").
    detail: &'static str,
) -> impl IntoView {
    let len = bars.len();
    let top = bars.iter().fold(0.0, |max: f64, bar| max.max(bar.value));
    let width = move |value: f64| {
        if top > 0.0 {
            (value / top * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    let active = RwSignal::new(None::<usize>);
    let rows = rows_markup(&bars, unit, width);

    let head = vec![String::new(), label.clone(), detail.to_owned()];
    let table_rows = bars
        .iter()
        .map(|bar| vec![bar.label.clone(), unit.full(bar.value), bar.detail.clone()])
        .collect();
    let data = StoredValue::new(bars);
    let tip = Signal::derive(move || {
        let i = active.get()?;
        data.with_value(|bars| {
            let bar = bars.get(i)?;
            Some(Tip {
                x: width(bar.value).max(8.0),
                y: (i as f64 + 0.5) * 100.0 / len as f64,
                title: bar.label.clone(),
                lines: vec![unit.full(bar.value), bar.detail.clone()],
            })
        })
    });
    let highlight = move || {
        active
            .get()
            .map(|i| {
                format!(
                    "top:{:.3}%;height:{:.3}%",
                    i as f64 * 100.0 / len as f64,
                    100.0 / len as f64
                )
            })
            .unwrap_or_else(|| "display:none".to_owned())
    };
    let locate: Locate =
        Callback::new(move |(_, fy): (f64, f64)| (len > 0).then(|| ((fy * len as f64) as usize).min(len - 1)));

    view! {
        <figure class="chart">
            <Plot label=label.clone() len active locate tip class="bars">
                <span class="bars__highlight" style=highlight aria-hidden="true"></span>
                <ol class="bars__list" inner_html=rows></ol>
            </Plot>
            <DataTable caption=label head rows=table_rows />
        </figure>
    }
}
