//! The interactive area every chart shares: the pointer and the arrow keys choose the
//! active point, which the tooltip shows and a live region reads out.

use std::fmt::Write;

use leptos::html;
use leptos::prelude::*;

use super::markup;

/// What the tooltip says about the active point, and where it points (in percent of
/// the plot's width and height).
#[derive(Debug, Clone, PartialEq)]
pub struct Tip {
    pub x: f64,
    pub y: f64,
    pub title: String,
    pub lines: Vec<String>,
}

/// Finds the point under the pointer from its position (fractions of the plot's width
/// and height, 0 to 1).
pub type Locate = Callback<(f64, f64), Option<usize>>;

#[component]
pub fn Plot(
    /// What the chart shows, for assistive technology.
    label: String,
    /// How many points there are.
    len: usize,
    /// Points per row: Up and Down move by this many (1 for lists and lines).
    #[prop(default = 1)]
    columns: usize,
    active: RwSignal<Option<usize>>,
    /// Without it, the chart's own shapes set `active` when the pointer enters them.
    #[prop(optional)]
    locate: Option<Locate>,
    #[prop(into)] tip: Signal<Option<Tip>>,
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let on_move = move |ev: web_sys::MouseEvent| {
        let (Some(locate), Some(plot)) = (locate, node.get_untracked()) else {
            return;
        };
        let rect = plot.get_bounding_client_rect();
        if rect.width() > 0.0 && rect.height() > 0.0 {
            let fx = (f64::from(ev.client_x()) - rect.left()) / rect.width();
            let fy = (f64::from(ev.client_y()) - rect.top()) / rect.height();
            active.set(locate.run((fx.clamp(0.0, 1.0), fy.clamp(0.0, 1.0))));
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            active.set(None);
        } else if let Some(next) = next_index(&ev.key(), active.get_untracked(), len, columns) {
            // The arrows would otherwise scroll the page.
            ev.prevent_default();
            active.set(Some(next));
        }
    };
    // Written as markup (see `markup`): it changes with every move, and one effect
    // redraws it whole.
    let tooltip = move || {
        tip.with(|tip| {
            let Some(tip) = tip else { return String::new() };
            let side = match (tip.x > 70.0, tip.x < 30.0) {
                (true, _) => " plot__tip--end",
                (_, true) => " plot__tip--start",
                _ => "",
            };
            let below = if tip.y < 25.0 { " plot__tip--below" } else { "" };
            let mut html = format!(
                r#"<div class="plot__tip{side}{below}" style="left:{:.2}%;top:{:.2}%"><strong>{}</strong>"#,
                tip.x,
                tip.y,
                markup::escape(&tip.title)
            );
            for line in &tip.lines {
                let _ = write!(html, "<span>{}</span>", markup::escape(line));
            }
            html.push_str("</div>");
            html
        })
    };
    view! {
        <div
            class=format!("plot {class}")
            node_ref=node
            tabindex="0"
            role="group"
            aria-label=format!("{label}. Use the arrow keys to read each value.")
            on:mousemove=on_move
            on:mouseleave=move |_| active.set(None)
            on:focus=move |_| {
                if active.get_untracked().is_none() && len > 0 {
                    active.set(Some(len - 1));
                }
            }
            on:blur=move |_| active.set(None)
            on:keydown=on_key
        >
            {children()}
            <div class="plot__tips" aria-hidden="true" inner_html=tooltip></div>
            <div class="visually-hidden" aria-live="polite">
                {move || tip.get().map(|tip| format!("{}: {}", tip.title, tip.lines.join(", ")))}
            </div>
        </div>
    }
}

/// The point a key moves to from `current` among `len` points laid out `columns` to a
/// row; `None` for keys that do not move. Moves stop at the edges.
pub fn next_index(key: &str, current: Option<usize>, len: usize, columns: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    let at = current.unwrap_or(last).min(last);
    let columns = columns.max(1);
    Some(match key {
        "ArrowLeft" => at.saturating_sub(1),
        "ArrowRight" => (at + 1).min(last),
        "ArrowUp" if at >= columns => at - columns,
        "ArrowUp" => at,
        "ArrowDown" if at + columns <= last => at + columns,
        "ArrowDown" => at,
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::next_index;

    #[test]
    fn arrows_walk_a_line() {
        assert_eq!(next_index("ArrowRight", Some(3), 24, 1), Some(4));
        assert_eq!(next_index("ArrowRight", Some(23), 24, 1), Some(23));
        assert_eq!(next_index("ArrowLeft", Some(0), 24, 1), Some(0));
        assert_eq!(next_index("ArrowDown", Some(0), 5, 1), Some(1));
        assert_eq!(next_index("Home", Some(7), 24, 1), Some(0));
        assert_eq!(next_index("End", None, 24, 1), Some(23));
        assert_eq!(next_index("Tab", Some(3), 24, 1), None);
        assert_eq!(next_index("ArrowRight", None, 0, 1), None);
    }

    #[test]
    fn up_and_down_change_rows_of_a_grid() {
        // 7 weekdays of 24 hours.
        assert_eq!(next_index("ArrowDown", Some(5), 168, 24), Some(29));
        assert_eq!(next_index("ArrowUp", Some(29), 168, 24), Some(5));
        assert_eq!(next_index("ArrowUp", Some(5), 168, 24), Some(5));
        assert_eq!(next_index("ArrowDown", Some(160), 168, 24), Some(160));
    }
}
