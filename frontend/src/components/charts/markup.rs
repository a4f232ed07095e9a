//! The drawn parts of the charts (grid lines, paths, cells, labels, tables) are written as
//! markup and set as one element's content: they never change once drawn, and a Leptos
//! view per line or cell would add a type, and its code, to the download for each.
//! Everything from the data is escaped.

use std::fmt::Write;

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table of `rows` under `head` (the first column heads the rows).
pub fn table(caption: &str, head: &[String], rows: &[Vec<String>]) -> String {
    let mut html = format!(
        r#"<table class="chart-table"><caption class="visually-hidden">{}</caption><thead><tr>"#,
        escape(caption)
    );
    for cell in head {
        let _ = write!(html, r#"<th scope="col">{}</th>"#, escape(cell));
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows {
        html.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = if i == 0 {
                write!(html, r#"<th scope="row">{}</th>"#, escape(cell))
            } else {
                write!(html, "<td>{}</td>", escape(cell))
            };
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// Legend entries: a swatch of each series' colour and its name.
pub fn legend(names: &[&str]) -> String {
    let mut html = String::new();
    for (i, name) in names.iter().enumerate() {
        let _ = write!(
            html,
            r#"<li><span class="chart__swatch {}" aria-hidden="true"></span>{}</li>"#,
            super::series_class(i),
            escape(name)
        );
    }
    html
}

/// Labels along an axis: `(percent, text)`, placed by `side` (`left` or `top`).
pub fn labels(class: &str, side: &str, at: &[(f64, String)]) -> String {
    let mut html = String::new();
    for (percent, text) in at {
        let edge = match (side, *percent) {
            ("left", p) if p < 8.0 => " chart__x-label--start",
            ("left", p) if p > 92.0 => " chart__x-label--end",
            _ => "",
        };
        let _ = write!(
            html,
            r#"<span class="{class}{edge}" style="{side}:{percent:.2}%">{}</span>"#,
            escape(text)
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_become_markup() {
        assert_eq!(
            escape(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        let html = table(
            "<x>",
            &["".into(), "a<b".into()],
            &[vec!["r&d".into(), "<script>".into()]],
        );
        assert!(html.contains(r#"<th scope="row">r&amp;d</th><td>&lt;script&gt;</td>"#));
        assert!(!html.contains("<script>"));
        assert!(legend(&["<i>"]).contains("&lt;i&gt;"));
    }

    #[test]
    fn axis_labels_at_the_ends_align_inward() {
        let html = labels(
            "chart__x-label",
            "left",
            &[(0.0, "a".into()), (50.0, "b".into()), (100.0, "c".into())],
        );
        assert_eq!(
            html,
            r#"<span class="chart__x-label chart__x-label--start" style="left:0.00%">a</span><span class="chart__x-label" style="left:50.00%">b</span><span class="chart__x-label chart__x-label--end" style="left:100.00%">c</span>"#
        );
    }
}
