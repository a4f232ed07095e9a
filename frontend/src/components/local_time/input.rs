//! `<input type="datetime-local">` holds a wall-clock time with no zone
//! (`2026-03-01T14:30`); the API speaks UTC. These convert between the two in the admin's
//! own time zone.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use wasm_bindgen::JsValue;

/// Why an input value cannot be used; a predicate, in the style of the API's field errors.
pub const NOT_A_TIME: &str = "is not a valid date and time";

/// A time zone, as far as the inputs need one.
pub trait Zone {
    /// The instant a wall-clock time stands for, if it names one.
    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>>;
    fn to_local(&self, utc: DateTime<Utc>) -> NaiveDateTime;
}

/// The browser's zone. JavaScript's `Date` knows its daylight-saving rules, so the offset
/// is the one in force on the day in question, not today's.
pub struct BrowserZone;

impl Zone for BrowserZone {
    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        // An ISO date-time without an offset is local time to `Date` (ECMA-262 21.4.3.2);
        // a time skipped by a daylight-saving change resolves forward, as clocks do.
        let millis = js_sys::Date::new(&JsValue::from_str(&format_naive(local, true))).get_time();
        // NaN: a date `Date` cannot represent.
        if millis.is_nan() {
            return None;
        }
        DateTime::from_timestamp_millis(millis as i64)
    }

    fn to_local(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        let date = js_sys::Date::new(&JsValue::from_f64(utc.timestamp_millis() as f64));
        NaiveDate::from_ymd_opt(date.get_full_year() as i32, date.get_month() + 1, date.get_date())
            .and_then(|day| {
                day.and_hms_milli_opt(
                    date.get_hours(),
                    date.get_minutes(),
                    date.get_seconds(),
                    date.get_milliseconds(),
                )
            })
            // `Date` and chrono cover the same years; a failure here would be a browser bug.
            .unwrap_or_else(|| utc.naive_utc())
    }
}

/// The instant an input's value stands for: `Ok(None)` when it is empty.
pub fn input_to_utc(value: &str, zone: &impl Zone) -> Result<Option<DateTime<Utc>>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let local = parse_naive(value).ok_or(NOT_A_TIME)?;
    zone.to_utc(local).map(Some).ok_or(NOT_A_TIME)
}

/// The input value that shows `utc` in `zone`: minutes, plus seconds when there are any.
pub fn utc_to_input(utc: DateTime<Utc>, zone: &impl Zone) -> String {
    let local = zone.to_local(utc);
    format_naive(local, local.second() != 0 || local.nanosecond() != 0)
}

/// `YYYY-MM-DDTHH:MM`, with `:SS` and `.sss` optional: the forms the input produces.
/// Parsed by hand, since chrono's parser would only add to the download.
fn parse_naive(value: &str) -> Option<NaiveDateTime> {
    let (date, time) = value.split_once('T')?;
    let mut date_parts = date.splitn(3, '-');
    let year = number(date_parts.next()?, 4)?;
    let month = number(date_parts.next()?, 2)?;
    let day = number(date_parts.next()?, 2)?;
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    let mut clock_parts = clock.split(':');
    let hour = number(clock_parts.next()?, 2)?;
    let minute = number(clock_parts.next()?, 2)?;
    let seconds = clock_parts.next();
    // A fraction belongs to the seconds: `10:00.5` is not a time.
    if clock_parts.next().is_some() || (seconds.is_none() && fraction.is_some()) {
        return None;
    }
    let second = seconds.map_or(Some(0), |s| number(s, 2))?;
    let millis = match fraction {
        None => 0,
        Some(digits) if (1..=3).contains(&digits.len()) => number(&format!("{digits:0<3}"), 3)?,
        Some(_) => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = NaiveTime::from_hms_milli_opt(hour, minute, second, millis)?;
    Some(date.and_time(time))
}

/// Exactly `digits` ASCII digits.
fn number(text: &str, digits: usize) -> Option<u32> {
    (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn format_naive(t: NaiveDateTime, with_seconds: bool) -> String {
    let minutes = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    );
    if !with_seconds {
        return minutes;
    }
    match t.nanosecond() / 1_000_000 {
        0 => format!("{minutes}:{:02}", t.second()),
        millis => format!("{minutes}:{:02}.{millis:03}", t.second()),
    }
}

/// A zone with a constant offset, in hours east of UTC: the tests' stand-in for the
/// browser's.
#[cfg(test)]
pub struct FixedZone(pub i32);

#[cfg(test)]
impl Zone for FixedZone {
    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        use chrono::TimeZone;
        let zone = chrono::FixedOffset::east_opt(self.0 * 3600)?;
        zone.from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc))
    }

    fn to_local(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        let zone = chrono::FixedOffset::east_opt(self.0 * 3600).expect("an offset within a day");
        utc.with_timezone(&zone).naive_local()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn empty_input_is_no_bound() {
        assert_eq!(input_to_utc("", &FixedZone(2)), Ok(None));
        assert_eq!(input_to_utc("  ", &FixedZone(2)), Ok(None));
    }

    #[test]
    fn local_input_becomes_utc() {
        assert_eq!(
            input_to_utc("2026-03-01T14:30", &FixedZone(2)),
            Ok(Some(utc(2026, 3, 1, 12, 30, 0)))
        );
        assert_eq!(
            input_to_utc("2026-03-01T01:15:09", &FixedZone(-5)),
            Ok(Some(utc(2026, 3, 1, 6, 15, 9)))
        );
        // Across midnight and the year.
        assert_eq!(
            input_to_utc("2026-01-01T00:30", &FixedZone(9)),
            Ok(Some(utc(2025, 12, 31, 15, 30, 0)))
        );
        let with_millis = input_to_utc("2026-03-01T14:30:05.25", &FixedZone(0)).unwrap().unwrap();
        assert_eq!(with_millis.timestamp_subsec_millis(), 250);
    }

    #[test]
    fn utc_shows_as_local_input() {
        assert_eq!(
            utc_to_input(utc(2026, 3, 1, 12, 30, 0), &FixedZone(2)),
            "2026-03-01T14:30"
        );
        assert_eq!(
            utc_to_input(utc(2025, 12, 31, 15, 30, 0), &FixedZone(9)),
            "2026-01-01T00:30"
        );
        assert_eq!(
            utc_to_input(utc(2026, 3, 1, 6, 15, 9), &FixedZone(-5)),
            "2026-03-01T01:15:09"
        );
    }

    #[test]
    fn round_trips() {
        for value in ["2026-07-04T23:59", "2024-02-29T00:00:01", "1999-12-31T12:00:00.125"] {
            let instant = input_to_utc(value, &FixedZone(-3)).unwrap().unwrap();
            assert_eq!(utc_to_input(instant, &FixedZone(-3)), value);
        }
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for wrong in [
            "2026-03-01",
            "2026-03-01 14:30",
            "2026-02-30T10:00",
            "2026-03-01T24:00",
            "2026-3-01T10:00",
            "2026-03-01T10:00:00:00",
            "2026-03-01T10:00.5",
            "2026-03-01T10:00:00.1234",
            "2026-03-01T10:00:00.",
            "yesterday",
        ] {
            assert_eq!(input_to_utc(wrong, &FixedZone(0)), Err(NOT_A_TIME), "{wrong}");
        }
    }
}
