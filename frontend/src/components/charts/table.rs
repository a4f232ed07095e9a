//! Every chart's numbers as a table, folded under the chart: for screen readers, for
//! copying, and for exact values.

use leptos::prelude::*;

use super::markup;

#[component]
pub fn DataTable(
    caption: String,
    /// Column headings; the first column heads the rows.
    head: Vec<String>,
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    // Written when first opened: a long range has hundreds of rows nobody may ask for.
    let open = RwSignal::new(false);
    let data = StoredValue::new((caption, head, rows));
    let table = move || {
        open.get()
            .then(|| data.with_value(|(caption, head, rows)| markup::table(caption, head, rows)))
    };
    view! {
        <details class="chart-table__details" on:toggle:target=move |ev| open.set(ev.target().open())>
            <summary>"Show the data as a table"</summary>
            <div class="chart-table__scroll" inner_html=table></div>
        </details>
    }
}
