//! Usage events the hub pushes (SPEC ANA-1), what became of each, the dead letters of
//! refused ones, and the per-model token prices that price events sent without a cost.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire_enum;

/// Events one `POST /api/v1/events` takes at most.
pub const MAX_BATCH: usize = 5000;

wire_enum! {
    /// How a tool call ended.
    CallStatus {
        Ok => "ok",
        Error => "error",
    }
}

/// Who made the call: a hub user's id or email (within the event's organization), or
/// an id the user has in another system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum UserRef {
    /// The user's id, or their email.
    Key(String),
    /// The user's id in another system, as in the user's `external_ids`.
    External { provider: String, external_id: String },
}

/// One MCP tool call the hub made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UsageEvent {
    /// The hub's id for this call: sending it again is harmless (reported `duplicate`).
    pub id: Uuid,
    /// When the call started. Not more than 5 minutes ahead of the server's clock, and
    /// not older than the raw-event retention.
    pub time: DateTime<Utc>,
    /// The organization's id or slug.
    pub organization: String,
    pub user: UserRef,
    /// The MCP server's id or name. It must be global or the organization's own.
    pub server: String,
    /// The tool's name on that server.
    pub tool: String,
    pub status: CallStatus,
    /// What went wrong (`timeout`, `tool_error`, …): required with status `error`,
    /// refused with `ok`. Lowercase letters, digits, `_`, `.`, `-`, `:`; at most 64.
    #[serde(default)]
    pub error_type: Option<String>,
    /// Wall time of the call, in milliseconds.
    pub latency_ms: i64,
    #[serde(default)]
    pub input_tokens: i64,
    #[serde(default)]
    pub output_tokens: i64,
    /// Input tokens served from a prompt cache (counted apart from `input_tokens`).
    #[serde(default)]
    pub cached_tokens: i64,
    /// The model the tokens were spent on, if any.
    #[serde(default)]
    pub model: Option<String>,
    /// What the call cost, in US dollars (six decimals are kept). Without it the cost is
    /// computed from the model's token prices (`/settings/model-prices`), or zero.
    #[serde(default)]
    pub cost_usd: Option<f64>,
}

/// A batch of usage events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IngestBatch {
    /// 1 to 5,000 events. Each is judged on its own: one bad event refuses only itself.
    pub events: Vec<UsageEvent>,
}

wire_enum! {
    /// What became of one event.
    EventOutcome {
        /// Counted.
        Accepted => "accepted",
        /// Already counted (sent before, or twice in this batch): not counted again.
        Duplicate => "duplicate",
        /// Not counted: kept as a dead letter with the reason, to replay once fixed.
        Rejected => "rejected",
    }
}

wire_enum! {
    /// Why an event was refused.
    RejectReason {
        /// A field is missing or wrong (the detail names it).
        Invalid => "invalid",
        UnknownOrganization => "unknown_organization",
        /// The organization is suspended: its usage is refused until it is activated.
        OrganizationSuspended => "organization_suspended",
        UnknownUser => "unknown_user",
        UnknownServer => "unknown_server",
        /// The server belongs to another organization.
        ServerNotVisible => "server_not_visible",
        /// Older than the raw-event retention (it could no longer be told from a resend).
        TooOld => "too_old",
        /// More than 5 minutes ahead of the server's clock.
        InFuture => "in_future",
    }
}

/// One event's result, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventResult {
    /// Position in the batch (from 0).
    pub index: usize,
    /// The event's id, when it had a readable one.
    pub id: Option<Uuid>,
    pub outcome: EventOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What a batch came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IngestReport {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub results: Vec<EventResult>,
}

/// A refused event, kept until it is replayed or discarded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DeadLetter {
    pub id: Uuid,
    /// The event's id, when it had a readable one.
    pub event_id: Option<Uuid>,
    /// The event as it was sent.
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub payload: serde_json::Value,
    pub reason: RejectReason,
    pub detail: String,
    /// How often it was sent (or replayed) and refused.
    pub attempts: i32,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Which dead letters to replay: these ids, or all with this reason (at most 10,000 a
/// request). After fixing the cause (creating the user, activating the organization).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    #[serde(default)]
    pub ids: Option<Vec<Uuid>>,
    #[serde(default)]
    pub reason: Option<RejectReason>,
}

/// What a replay did: replayed dead letters that were counted (or were duplicates by
/// now) are gone; the others stay with their new reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReplayReport {
    pub replayed: usize,
    pub accepted: usize,
    pub duplicates: usize,
    pub still_rejected: usize,
}

/// Token prices of one model, in US dollars per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    pub model: String,
    pub input_usd_per_mtok: f64,
    pub output_usd_per_mtok: f64,
    #[serde(default)]
    pub cached_usd_per_mtok: f64,
}

/// Every model's prices (replaced as a whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelPrices {
    pub models: Vec<ModelPrice>,
}

/// Micro-dollars (the unit costs are stored in) as dollars.
pub fn micros_to_usd(micros: i64) -> f64 {
    micros as f64 / 1_000_000.0
}
