//! The range and the bucket: a preset ending now, or dates of the admin's choosing; and
//! hours, days, weeks or months per point (or the server's choice for the range).

use chrono::Duration;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use omni_types::analytics::Bucket;

use super::url::{Preset, Range, View, bucket_fits};
use crate::api::ApiError;
use crate::components::field::TextField;
use crate::components::local_time::input::{BrowserZone, input_to_utc, utc_to_input};
use crate::components::local_time::now;
use crate::reactive::{Show, effect, memo};

const CUSTOM: &str = "custom";
/// The longest range the API answers.
const MAX_DAYS: i64 = 400;

fn bucket_label(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Hour => "Hourly",
        Bucket::Day => "Daily",
        Bucket::Week => "Weekly",
        Bucket::Month => "Monthly",
    }
}

/// What is wrong with a custom range as typed, per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Invalid {
    from: Vec<String>,
    to: Vec<String>,
}

fn check(from: &str, to: &str) -> Result<Range, Invalid> {
    let read = |value: &str| match input_to_utc(value, &BrowserZone) {
        Ok(Some(at)) => Ok(at),
        Ok(None) => Err(vec!["is required".to_owned()]),
        Err(message) => Err(vec![message.to_owned()]),
    };
    match (read(from), read(to)) {
        (Ok(from), Ok(to)) if from >= to => Err(Invalid {
            from: vec!["must be before the end".to_owned()],
            to: Vec::new(),
        }),
        (Ok(from), Ok(to)) if to - from > Duration::days(MAX_DAYS) => Err(Invalid {
            from: Vec::new(),
            to: vec![format!("must be at most {MAX_DAYS} days after the start")],
        }),
        (Ok(from), Ok(to)) => Ok(Range::Between { from, to }),
        (from, to) => Err(Invalid {
            from: from.err().unwrap_or_default(),
            to: to.err().unwrap_or_default(),
        }),
    }
}

#[component]
pub fn RangePicker(
    view: Memo<View>,
    on_change: Callback<View>,
    /// The API's 422 for the applied range, to show beside the fields.
    #[prop(into)]
    rejected: Signal<Option<ApiError>>,
) -> impl IntoView {
    let range = memo(move || view.with(|v| v.range));
    let choosing = RwSignal::new(false);
    let custom = move || choosing.get() || matches!(range.get(), Range::Between { .. });
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    // The fields show the applied range (a preset's too, as a start for editing).
    effect(move || {
        let (start, end) = range.get().resolve(now());
        from.set(utc_to_input(start, &BrowserZone));
        to.set(utc_to_input(end, &BrowserZone));
    });
    // Checked as typed once a field has been left (or Apply pressed).
    let touched = RwSignal::new(false);
    let touch = Callback::new(move |()| touched.set(true));
    let checked = memo(move || check(&from.get(), &to.get()));
    let server_errors = move |field: &'static str| {
        rejected.with(|e| e.as_ref().map(|e| e.field_errors(field).to_vec()).unwrap_or_default())
    };
    let errors = move |pick: fn(&Invalid) -> &Vec<String>, field: &'static str| {
        Signal::derive(move || {
            let mut messages = if touched.get() {
                checked.with(|c| c.as_ref().err().map(|e| pick(e).clone()).unwrap_or_default())
            } else {
                Vec::new()
            };
            messages.extend(server_errors(field));
            messages
        })
    };
    let length = move || {
        let (start, end) = range.get().resolve(now());
        end - start
    };

    let choose = move |value: String| {
        if value == CUSTOM {
            choosing.set(true);
            return;
        }
        choosing.set(false);
        if let Some(preset) = Preset::ALL.into_iter().find(|p| p.param() == value) {
            let current = view.get_untracked();
            // A bucket too fine for the new range would be refused: back to automatic.
            let bucket = current.bucket.filter(|b| bucket_fits(*b, preset.length()));
            on_change.run(View {
                range: Range::Last(preset),
                bucket,
                ..current
            });
        }
    };
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if let Ok(range) = checked.get_untracked() {
            let current = view.get_untracked();
            let (start, end) = range.resolve(now());
            let bucket = current.bucket.filter(|b| bucket_fits(*b, end - start));
            on_change.run(View {
                range,
                bucket,
                ..current
            });
        }
    };
    let presets = Preset::ALL
        .into_iter()
        .map(|preset| {
            view! {
                <option value=preset.param() prop:selected=move || !custom() && range.get() == Range::Last(preset)>
                    {preset.label()}
                </option>
            }
        })
        .collect_view();
    let buckets = Bucket::ALL
        .iter()
        .map(|&bucket| {
            let fits = move || bucket_fits(bucket, length());
            view! {
                <option
                    value=bucket.as_str()
                    disabled=move || !fits()
                    prop:selected=move || view.with(|v| v.bucket == Some(bucket))
                >
                    {move || if fits() { bucket_label(bucket).to_owned() } else { format!("{} (too many points)", bucket_label(bucket)) }}
                </option>
            }
        })
        .collect_view();
    let bucket_errors = move || {
        server_errors("bucket")
            .into_iter()
            .map(|m| view! { <li>{format!("Interval {m}.")}</li> })
            .collect_view()
    };

    view! {
        <div class="analytics-range">
            <div class="field">
                <label class="field__label" for="analytics-range">"Date range"</label>
                <select id="analytics-range" class="input" on:change=move |ev| choose(event_target_value(&ev))>
                    {presets}
                    <option value=CUSTOM prop:selected=custom>"Custom range…"</option>
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="analytics-bucket">"Interval"</label>
                <select
                    id="analytics-bucket"
                    class="input"
                    aria-describedby="analytics-bucket-errors"
                    on:change=move |ev| {
                        let bucket = event_target_value(&ev).parse().ok();
                        on_change.run(View { bucket, ..view.get_untracked() });
                    }
                >
                    <option value="" prop:selected=move || view.with(|v| v.bucket.is_none())>"Automatic"</option>
                    {buckets}
                </select>
                <ul class="field__errors" id="analytics-bucket-errors">{bucket_errors}</ul>
            </div>
            <Show when=custom>
                <form class="analytics-range__custom" aria-label="Custom range" on:submit=apply novalidate>
                    <TextField id="analytics-from" label="From" kind="datetime-local" value=from errors=errors(|e| &e.from, "from") on_blur=touch />
                    <TextField id="analytics-to" label="To" kind="datetime-local" value=to errors=errors(|e| &e.to, "to") on_blur=touch />
                    <div class="filters__actions">
                        <button type="submit" class="button button--primary">"Apply range"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
