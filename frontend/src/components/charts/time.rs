//! Time axes in the admin's zone and locale: a label per bucket for the tooltip and the
//! table, and a few short ones under the plot.

use chrono::{DateTime, Utc};
use omni_types::analytics::Bucket;

use super::scale;
use crate::components::local_time::TimeFormat;

/// Labels under the plot at most: readable at 320 px (CSS drops every other one there).
const TICKS: usize = 6;

type Options = &'static [(&'static str, &'static str)];

/// The `Intl.DateTimeFormat` options of a point's full label and of an axis label, for
/// `len` buckets of `bucket`.
pub fn styles(bucket: Bucket, len: usize) -> (Options, Options) {
    const HOUR: (&str, &str) = ("hour", "numeric");
    const MINUTE: (&str, &str) = ("minute", "2-digit");
    const WEEKDAY: (&str, &str) = ("weekday", "short");
    const MONTH: (&str, &str) = ("month", "short");
    const DAY: (&str, &str) = ("day", "numeric");
    const YEAR: (&str, &str) = ("year", "numeric");
    match bucket {
        // A day of hours reads by the clock; longer, the weekday tells the days apart.
        Bucket::Hour if len <= 24 => (&[WEEKDAY, HOUR, MINUTE], &[HOUR, MINUTE]),
        Bucket::Hour => (&[WEEKDAY, MONTH, DAY, HOUR, MINUTE], &[WEEKDAY, HOUR, MINUTE]),
        Bucket::Day | Bucket::Week => (&[WEEKDAY, MONTH, DAY, YEAR], &[MONTH, DAY]),
        Bucket::Month => (&[("month", "long"), YEAR], &[MONTH, YEAR]),
    }
}

/// Each point's label, and the axis labels: `(point, label)`.
pub fn axis(starts: &[DateTime<Utc>], bucket: Bucket) -> (Vec<String>, Vec<(usize, String)>) {
    let (full, short) = styles(bucket, starts.len());
    let full = TimeFormat::new(full);
    let prefix = if bucket == Bucket::Week { "Week of " } else { "" };
    let points = starts
        .iter()
        .map(|start| format!("{prefix}{}", full.format(*start)))
        .collect();
    let short = TimeFormat::new(short);
    let ticks = scale::label_indexes(starts.len(), TICKS)
        .into_iter()
        .map(|i| (i, short.format(starts[i])))
        .collect();
    (points, ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_of_hours_reads_by_the_clock() {
        let (full, short) = styles(Bucket::Hour, 24);
        assert_eq!(short, &[("hour", "numeric"), ("minute", "2-digit")]);
        assert!(full.contains(&("weekday", "short")));
        let (_, longer) = styles(Bucket::Hour, 48);
        assert!(longer.contains(&("weekday", "short")));
    }

    #[test]
    fn longer_buckets_read_by_the_calendar() {
        assert_eq!(styles(Bucket::Day, 30).1, &[("month", "short"), ("day", "numeric")]);
        assert_eq!(styles(Bucket::Month, 12).1, &[("month", "short"), ("year", "numeric")]);
    }
}
