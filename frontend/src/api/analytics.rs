//! The dashboard's and the analytics page's calls (SPEC DASH-1..4, ANA-2..4). Every
//! analytics view takes the same question: a range, a bucket, a time zone and filters.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::future::{LocalBoxFuture, join, join5};
use gloo_net::http::Method;
use omni_types::analytics::{
    Breakdown, BreakdownSort, Bucket, Dashboard, Dimension, Errors, Heatmap, Overview, Series,
};
use omni_types::paths;
use uuid::Uuid;

use super::{Api, ApiError, CSV, Call, download, parse};

/// What an analytics view is asked about. Times are sent as RFC 3339 UTC; the server
/// rounds them out to whole hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyticsQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `None`: the server chooses by the range (hours up to 2 days, days up to 90, weeks).
    pub bucket: Option<Bucket>,
    /// IANA name of the zone buckets and the heatmap are in (the browser's).
    pub tz: String,
    pub organization: Option<Uuid>,
    pub server: Option<Uuid>,
    pub user: Option<Uuid>,
    /// A tool's name; blank for every tool.
    pub tool: String,
}

impl AnalyticsQuery {
    pub fn params(&self) -> Vec<(String, String)> {
        let mut params = vec![
            ("from".to_owned(), rfc3339(self.from)),
            ("to".to_owned(), rfc3339(self.to)),
            ("tz".to_owned(), self.tz.clone()),
        ];
        let mut push = |name: &str, value: Option<String>| {
            params.extend(value.map(|value| (name.to_owned(), value)));
        };
        push("bucket", self.bucket.map(|b| b.as_str().to_owned()));
        push("organization", self.organization.map(|id| id.to_string()));
        push("server", self.server.map(|id| id.to_string()));
        push("user", self.user.map(|id| id.to_string()));
        let tool = self.tool.trim();
        push("tool", (!tool.is_empty()).then(|| tool.to_owned()));
        params
    }
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What a breakdown groups by, how it is ordered and how many groups it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakdownChoice {
    pub by: Dimension,
    pub sort: BreakdownSort,
    pub limit: u16,
}

impl BreakdownChoice {
    fn params(self) -> [(String, String); 3] {
        [
            ("by".to_owned(), self.by.as_str().to_owned()),
            ("sort".to_owned(), self.sort.as_str().to_owned()),
            ("limit".to_owned(), self.limit.to_string()),
        ]
    }
}

/// An analytics view, as its CSV export names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalyticsView {
    Overview,
    Timeseries,
    Breakdown(BreakdownChoice),
    Errors,
    Heatmap,
}

impl AnalyticsView {
    fn name(self) -> &'static str {
        match self {
            AnalyticsView::Overview => "overview",
            AnalyticsView::Timeseries => "timeseries",
            AnalyticsView::Breakdown(_) => "breakdown",
            AnalyticsView::Errors => "errors",
            AnalyticsView::Heatmap => "heatmap",
        }
    }
}

/// The analytics page's views that share one question, asked at once.
#[derive(Debug, Clone)]
pub struct AnalyticsViews {
    pub overview: Result<Overview, ApiError>,
    pub series: Result<Series, ApiError>,
    pub errors: Result<Errors, ApiError>,
    pub heatmap: Result<Heatmap, ApiError>,
    /// Tool popularity: the most called tools.
    pub tools: Result<Breakdown, ApiError>,
    /// The servers called, for their names: tool groups name their server by id only.
    pub servers: Result<Breakdown, ApiError>,
}

/// Tool popularity's breakdown.
pub const TOOL_POPULARITY: BreakdownChoice = BreakdownChoice {
    by: Dimension::Tool,
    sort: BreakdownSort::Calls,
    limit: 10,
};

/// Every server called (as many as a breakdown lists), for their names.
const SERVER_NAMES: BreakdownChoice = BreakdownChoice {
    by: Dimension::Server,
    sort: BreakdownSort::Calls,
    limit: 200,
};

impl Api {
    /// The home page in one answer. `organization`: the scope of "Open as admin".
    pub async fn dashboard(&self, tz: &str, organization: Option<Uuid>) -> Result<Dashboard, ApiError> {
        let mut params = vec![("tz".to_owned(), tz.to_owned())];
        params.extend(organization.map(|id| ("organization".to_owned(), id.to_string())));
        parse(&self.get_text(paths::DASHBOARD, params).await?)
    }

    /// Every view of `query` but the cost breakdown, requested together.
    pub async fn analytics_views(&self, query: &AnalyticsQuery) -> AnalyticsViews {
        let params = query.params();
        let ((overview, series, errors, heatmap, tools), servers) = join(
            join5(
                self.get_text(paths::ANALYTICS_OVERVIEW, params.clone()),
                self.get_text(paths::ANALYTICS_TIMESERIES, params.clone()),
                self.get_text(paths::ANALYTICS_ERRORS, params.clone()),
                self.get_text(paths::ANALYTICS_HEATMAP, params),
                self.get_text(paths::ANALYTICS_BREAKDOWN, breakdown_params(query, TOOL_POPULARITY)),
            ),
            self.get_text(paths::ANALYTICS_BREAKDOWN, breakdown_params(query, SERVER_NAMES)),
        )
        .await;
        AnalyticsViews {
            overview: overview.and_then(|text| parse(&text)),
            series: series.and_then(|text| parse(&text)),
            errors: errors.and_then(|text| parse(&text)),
            heatmap: heatmap.and_then(|text| parse(&text)),
            tools: tools.and_then(|text| parse(&text)),
            servers: servers.and_then(|text| parse(&text)),
        }
    }

    pub async fn analytics_breakdown(
        &self,
        query: &AnalyticsQuery,
        choice: BreakdownChoice,
    ) -> Result<Breakdown, ApiError> {
        parse(
            &self
                .get_text(paths::ANALYTICS_BREAKDOWN, breakdown_params(query, choice))
                .await?,
        )
    }

    /// Downloads one view as a CSV file; returns the file's name.
    pub async fn analytics_export(&self, view: AnalyticsView, query: &AnalyticsQuery) -> Result<String, ApiError> {
        let params = match view {
            AnalyticsView::Breakdown(choice) => breakdown_params(query, choice),
            _ => query.params(),
        };
        let path = paths::analytics_export(view.name());
        let call = Call::new(Method::GET, &path).query(&params).accept(CSV);
        download::save(self.authorized(&call).await?, &format!("{}.csv", view.name())).await
    }

    /// A GET's body as text. Boxed and typeless, so the request is compiled once rather
    /// than into the future of every view that asks (the views parse the text).
    fn get_text(
        &self,
        path: &'static str,
        params: Vec<(String, String)>,
    ) -> LocalBoxFuture<'_, Result<String, ApiError>> {
        Box::pin(async move {
            let response = self.authorized(&Call::new(Method::GET, path).query(&params)).await?;
            response.text().await.map_err(|e| ApiError::Decode(e.to_string()))
        })
    }
}

fn breakdown_params(query: &AnalyticsQuery, choice: BreakdownChoice) -> Vec<(String, String)> {
    let mut params = query.params();
    params.extend(choice.params());
    params
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn only_set_filters_are_sent() {
        let query = AnalyticsQuery {
            from: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap(),
            bucket: None,
            tz: "Europe/Paris".into(),
            organization: None,
            server: None,
            user: None,
            tool: "  ".into(),
        };
        assert_eq!(
            super::super::query::encode(&query.params()),
            "from=2026-03-01T00%3A00%3A00Z&to=2026-03-08T00%3A00%3A00Z&tz=Europe%2FParis"
        );
        let server = Uuid::now_v7();
        let narrowed = AnalyticsQuery {
            bucket: Some(Bucket::Day),
            server: Some(server),
            tool: " search ".into(),
            ..query
        };
        let params = narrowed.params();
        assert!(params.contains(&("bucket".into(), "day".into())));
        assert!(params.contains(&("server".into(), server.to_string())));
        assert!(params.contains(&("tool".into(), "search".into())));
        assert!(!params.iter().any(|(name, _)| name == "user" || name == "organization"));
    }
}
