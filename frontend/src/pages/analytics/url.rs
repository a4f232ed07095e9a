//! The analytics page keeps its state in the address, so a view is a link to share and
//! survives a reload: the range (a preset, or `from` and `to`), the bucket, the filters
//! and the cost breakdown's dimension. Defaults are left out of the address.

use chrono::{DateTime, Duration, Utc};
use omni_types::analytics::{Bucket, Dimension};
use uuid::Uuid;

use crate::api::{AnalyticsQuery, rfc3339, with_query};
use crate::routes;

/// A range ending now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Day,
    Week,
    Month,
    Quarter,
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Day, Preset::Week, Preset::Month, Preset::Quarter];

    pub fn param(self) -> &'static str {
        match self {
            Preset::Day => "24h",
            Preset::Week => "7d",
            Preset::Month => "30d",
            Preset::Quarter => "90d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Day => "Last 24 hours",
            Preset::Week => "Last 7 days",
            Preset::Month => "Last 30 days",
            Preset::Quarter => "Last 90 days",
        }
    }

    pub fn length(self) -> Duration {
        match self {
            Preset::Day => Duration::hours(24),
            Preset::Week => Duration::days(7),
            Preset::Month => Duration::days(30),
            Preset::Quarter => Duration::days(90),
        }
    }

    fn parse(param: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|preset| preset.param() == param)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Last(Preset),
    Between { from: DateTime<Utc>, to: DateTime<Utc> },
}

impl Default for Range {
    fn default() -> Self {
        Range::Last(Preset::Week)
    }
}

impl Range {
    /// The instants the range covers, given the time now.
    pub fn resolve(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        match self {
            Range::Last(preset) => (now - preset.length(), now),
            Range::Between { from, to } => (from, to),
        }
    }
}

/// Which organization the views are narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrgChoice {
    /// Not in the address: the organization scope ("Open as admin"), if any.
    #[default]
    Scope,
    /// Every organization, even while scoped (`organization=all`).
    All,
    Only(Uuid),
}

const ALL_ORGANIZATIONS: &str = "all";

/// What the page shows, as the address says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub range: Range,
    /// `None`: the server chooses by the range.
    pub bucket: Option<Bucket>,
    pub organization: OrgChoice,
    pub server: Option<Uuid>,
    pub user: Option<Uuid>,
    pub tool: String,
    /// What the cost breakdown groups by.
    pub by: Dimension,
    /// Parameters that could not be read (an edited link); the page says so.
    pub invalid: Vec<&'static str>,
}

impl Default for View {
    fn default() -> Self {
        View {
            range: Range::default(),
            bucket: None,
            organization: OrgChoice::Scope,
            server: None,
            user: None,
            tool: String::new(),
            by: Dimension::Server,
            invalid: Vec::new(),
        }
    }
}

/// What the views are asked, apart from presentation (the breakdown's dimension): a
/// change here asks every view again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub range: Range,
    pub bucket: Option<Bucket>,
    pub organization: OrgChoice,
    pub server: Option<Uuid>,
    pub user: Option<Uuid>,
    pub tool: String,
}

impl View {
    /// Reads the address's query, given a way to look up one parameter.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> View {
        let text = |name: &str| get(name).map(str::trim).filter(|v| !v.is_empty());
        let mut invalid = Vec::new();
        let mut read = |name: &'static str, ok: bool| {
            if !ok {
                invalid.push(name);
            }
        };
        let time = |name: &str| text(name).map(|v| DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)));
        let range = match (time("from"), time("to")) {
            (Some(Ok(from)), Some(Ok(to))) if from < to => Range::Between { from, to },
            (None, None) => {
                let preset = text("range").map(Preset::parse);
                read("range", !matches!(preset, Some(None)));
                preset.flatten().map_or_else(Range::default, Range::Last)
            }
            (from, to) => {
                read("from", matches!(from, Some(Ok(_))));
                read("to", matches!(to, Some(Ok(_))));
                if let (Some(Ok(_)), Some(Ok(_))) = (from, to) {
                    // Both times, in the wrong order.
                    read("from", false);
                }
                Range::default()
            }
        };
        let mut id = |name: &'static str| {
            let value = text(name)?;
            let parsed = Uuid::parse_str(value).ok();
            read(name, parsed.is_some());
            parsed
        };
        let server = id("server");
        let user = id("user");
        let organization = match text("organization") {
            None => OrgChoice::Scope,
            Some(ALL_ORGANIZATIONS) => OrgChoice::All,
            Some(value) => match Uuid::parse_str(value) {
                Ok(org) => OrgChoice::Only(org),
                Err(_) => {
                    read("organization", false);
                    OrgChoice::Scope
                }
            },
        };
        let bucket = text("bucket").and_then(|value| {
            let parsed = value.parse().ok();
            read("bucket", parsed.is_some());
            parsed
        });
        let by = text("by").map_or(Some(Dimension::Server), |value| value.parse().ok());
        read("by", by.is_some());
        View {
            range,
            bucket,
            organization,
            server,
            user,
            tool: text("tool").unwrap_or_default().to_owned(),
            by: by.unwrap_or(Dimension::Server),
            invalid,
        }
    }

    pub fn question(&self) -> Question {
        Question {
            range: self.range,
            bucket: self.bucket,
            organization: self.organization,
            server: self.server,
            user: self.user,
            tool: self.tool.clone(),
        }
    }

    /// The address of this view.
    pub fn href(&self) -> String {
        let mut params: Vec<(&str, String)> = Vec::new();
        match self.range {
            Range::Last(Preset::Week) => {}
            Range::Last(preset) => params.push(("range", preset.param().to_owned())),
            Range::Between { from, to } => {
                params.push(("from", rfc3339(from)));
                params.push(("to", rfc3339(to)));
            }
        }
        params.extend(self.bucket.map(|b| ("bucket", b.as_str().to_owned())));
        match self.organization {
            OrgChoice::Scope => {}
            OrgChoice::All => params.push(("organization", ALL_ORGANIZATIONS.to_owned())),
            OrgChoice::Only(id) => params.push(("organization", id.to_string())),
        }
        params.extend(self.server.map(|id| ("server", id.to_string())));
        params.extend(self.user.map(|id| ("user", id.to_string())));
        let tool = self.tool.trim();
        if !tool.is_empty() {
            params.push(("tool", tool.to_owned()));
        }
        if self.by != Dimension::Server {
            params.push(("by", self.by.as_str().to_owned()));
        }
        with_query(&routes::ANALYTICS.href(), &params)
    }
}

impl Question {
    /// The organization the views are narrowed to, given the scope's.
    pub fn organization(&self, scope: Option<Uuid>) -> Option<Uuid> {
        match self.organization {
            OrgChoice::Scope => scope,
            OrgChoice::All => None,
            OrgChoice::Only(id) => Some(id),
        }
    }

    /// The API's question, given the time now, the admin's zone and the scope.
    pub fn query(&self, now: DateTime<Utc>, tz: &str, scope: Option<Uuid>) -> AnalyticsQuery {
        let (from, to) = self.range.resolve(now);
        AnalyticsQuery {
            from,
            to,
            bucket: self.bucket,
            tz: tz.to_owned(),
            organization: self.organization(scope),
            server: self.server,
            user: self.user,
            tool: self.tool.clone(),
        }
    }
}

/// The most points a series may have (the API refuses more).
const MAX_POINTS: i64 = 2000;

/// Whether `bucket` gives a series the API accepts over `length`.
pub fn bucket_fits(bucket: Bucket, length: Duration) -> bool {
    let hours = match bucket {
        Bucket::Hour => 1,
        Bucket::Day => 24,
        Bucket::Week => 24 * 7,
        Bucket::Month => 24 * 28,
    };
    length.num_hours() / hours <= MAX_POINTS
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::TimeZone;

    use super::*;

    fn parse(link: &str) -> View {
        let query = link.split_once('?').map_or("", |(_, query)| query);
        let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        View::parse(|name| params.get(name).map(String::as_str))
    }

    #[test]
    fn the_default_view_is_the_bare_page() {
        assert_eq!(View::default().href(), "/analytics");
        assert_eq!(parse("/analytics"), View::default());
        assert_eq!(parse("/analytics?range=&tool=+"), View::default());
    }

    #[test]
    fn views_round_trip_through_the_address() {
        let views = [
            View {
                range: Range::Last(Preset::Day),
                bucket: Some(Bucket::Hour),
                organization: OrgChoice::All,
                tool: "search code".into(),
                by: Dimension::Model,
                ..View::default()
            },
            View {
                range: Range::Between {
                    from: Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap(),
                    to: Utc.with_ymd_and_hms(2026, 3, 9, 0, 0, 0).unwrap(),
                },
                organization: OrgChoice::Only(Uuid::now_v7()),
                server: Some(Uuid::now_v7()),
                user: Some(Uuid::now_v7()),
                ..View::default()
            },
            View {
                range: Range::Last(Preset::Quarter),
                bucket: Some(Bucket::Week),
                by: Dimension::Tool,
                ..View::default()
            },
        ];
        for view in views {
            assert_eq!(parse(&view.href()), view, "{}", view.href());
        }
    }

    #[test]
    fn presets_end_now() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 30, 0).unwrap();
        assert_eq!(
            Range::Last(Preset::Day).resolve(now),
            (Utc.with_ymd_and_hms(2026, 3, 9, 12, 30, 0).unwrap(), now)
        );
        assert_eq!(Range::Last(Preset::Month).resolve(now).0, now - Duration::days(30));
        let custom = Range::Between {
            from: now - Duration::days(2),
            to: now - Duration::days(1),
        };
        assert_eq!(custom.resolve(now), (now - Duration::days(2), now - Duration::days(1)));
    }

    #[test]
    fn the_organization_follows_the_scope_unless_the_link_says() {
        let scoped = Some(Uuid::now_v7());
        let other = Uuid::now_v7();
        let now = Utc::now();
        assert_eq!(
            View::default().question().query(now, "UTC", scoped).organization,
            scoped
        );
        let all = parse("/analytics?organization=all").question();
        assert_eq!(all.query(now, "UTC", scoped).organization, None);
        let one = parse(&format!("/analytics?organization={other}")).question();
        assert_eq!(one.query(now, "Europe/Paris", scoped).organization, Some(other));
        assert_eq!(one.query(now, "Europe/Paris", scoped).tz, "Europe/Paris");
    }

    #[test]
    fn bad_parameters_are_named() {
        let view = parse("/analytics?range=2y&server=nope&bucket=minute&by=color&organization=x");
        assert_eq!(view.invalid, ["range", "server", "organization", "bucket", "by"]);
        assert_eq!(view.range, Range::default());
        assert_eq!((view.server, view.bucket, view.by), (None, None, Dimension::Server));
        let half = parse("/analytics?from=2026-03-01T00:00:00Z");
        assert_eq!(half.invalid, ["to"]);
        let backwards = parse("/analytics?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z");
        assert_eq!(backwards.invalid, ["from"]);
    }

    #[test]
    fn buckets_must_give_at_most_2000_points() {
        assert!(bucket_fits(Bucket::Hour, Duration::days(30)));
        assert!(!bucket_fits(Bucket::Hour, Duration::days(90)));
        assert!(bucket_fits(Bucket::Day, Duration::days(400)));
    }
}
