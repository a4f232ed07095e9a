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

/// The browser's clock. (chrono's `Utc::now` has no clock to read in the browser.)
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// The IANA name of the admin's time zone (`Europe/Paris`), as the API takes it; `UTC`
/// when the browser will not say.
pub fn browser_time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .filter(|zone| !zone.is_empty())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// A browser formatter for many times in the admin's zone and locale, made once:
/// `options` are `Intl.DateTimeFormat`'s (`[("hour", "2-digit")]`).
pub struct TimeFormat(js_sys::Function);

impl TimeFormat {
    pub fn new(options: &[(&str, &str)]) -> Self {
        let object = js_sys::Object::new();
        for (name, value) in options {
            // Setting a property on a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&object, &(*name).into(), &(*value).into());
        }
        TimeFormat(js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &object).format())
    }

    pub fn format(&self, at: DateTime<Utc>) -> String {
        let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
        self.0
            .call1(&JsValue::UNDEFINED, &date)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| String::from(date.to_iso_string()))
    }
}

/// How long ago a time was, shortly ("5 min ago"), with the local time in the tooltip and
/// the exact UTC time machine-readable. `now` moves on as the page is refreshed.
#[component]
pub fn RelativeTime(at: DateTime<Utc>, #[prop(into)] now: Signal<DateTime<Utc>>) -> impl IntoView {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let utc = String::from(date.to_iso_string());
    let title = format_local(&date).unwrap_or_else(|| utc.clone());
    view! {
        <time datetime=utc title=title>
            {move || ago((now.get() - at).num_seconds())}
        </time>
    }
}

/// `seconds` ago, as people say it. A time slightly ahead (another clock) is "just now".
pub fn ago(seconds: i64) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    const TWO_DAYS: i64 = 2 * DAY;
    if seconds < 45 {
        "just now".to_owned()
    } else if seconds < HOUR {
        format!("{} min ago", (seconds / MINUTE).max(1))
    } else if seconds < DAY {
        format!("{} h ago", seconds / HOUR)
    } else if seconds < TWO_DAYS {
        "yesterday".to_owned()
    } else {
        format!("{} days ago", seconds / DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(ago(-30), "just now");
        assert_eq!(ago(10), "just now");
        assert_eq!(ago(50), "1 min ago");
        assert_eq!(ago(5 * 60 + 10), "5 min ago");
        assert_eq!(ago(59 * 60 + 50), "59 min ago");
        assert_eq!(ago(3 * 3600 + 5), "3 h ago");
        assert_eq!(ago(30 * 3600), "yesterday");
        assert_eq!(ago(5 * 86_400), "5 days ago");
    }
}
