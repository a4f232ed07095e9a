//! Times in the admin's own zone: shown ([`LocalTime`]) and entered ([`input`]).

pub mod input;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// A point in time in the admin's own time zone and locale; the exact UTC time is in the
/// tooltip and the machine-readable `datetime`. The browser formats both: chrono's
/// formatting code would only add to the download.
#[component]
pub fn LocalTime(at: DateTime<Utc>) -> impl IntoView {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let utc = String::from(date.to_iso_string());
    let title = format!("{utc} (UTC)");
    let shown = format_local(&date).unwrap_or_else(|| utc.clone());
    view! {
        <time datetime=utc title=title>
            {shown}
        </time>
    }
}

fn format_local(date: &js_sys::Date) -> Option<String> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).ok()?;
    js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into()).ok()?;
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format();
    format.call1(&JsValue::UNDEFINED, date).ok()?.as_string()
}
