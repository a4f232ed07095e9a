//! Usage events and analytics (SPEC ANA-1..5): ingestion, the rollups kept on ingest,
//! the days they are sealed by, the latency histogram they share, and the retention of
//! raw events.

pub mod days;
pub mod histogram;
pub mod ingest;
pub mod query;
pub mod retention;
pub mod rollup;

/// Micro-dollars (how costs and prices are stored) as US dollars.
pub fn usd(micros: i64) -> f64 {
    micros as f64 / 1_000_000.0
}
