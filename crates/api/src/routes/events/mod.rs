//! `/api/v1/events`: usage events pushed by the hub (SPEC ANA-1), and the dead letters
//! of refused ones.

pub mod dead_letters;
pub mod ingest;

use crate::app::AppState;
use crate::usage::ingest::Limits;

fn limits(state: &AppState) -> Limits {
    Limits {
        now: chrono::Utc::now(),
        retention_days: state.config.usage_retention_days,
    }
}
