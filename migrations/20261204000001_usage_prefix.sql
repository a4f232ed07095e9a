-- A day so far: the daily grains summed over the hours of a day that are over, from
-- midnight UTC to `through`, written by the sealing job (usage::days) every few minutes
-- while the day is not sealed. A range ending now reads one row per user for today's
-- past hours where it read one per user and hour, so a question asked at 23:00 costs
-- what it costs at 01:00 (docs/ARCHITECTURE.md, "Usage and analytics").
--
-- Ingestion holds each hour it adds to (a shared advisory lock until COMMIT) and marks
-- a prefix dirty when it adds to an hour before `through`; the job holds the hours it
-- sums exclusively, so it never blocks a batch of the current hour. A question reads a
-- clean prefix's rows and the hours after it; a dirty one is summed again on the next
-- run.
CREATE TABLE usage_prefix (LIKE usage_daily INCLUDING CONSTRAINTS);
ALTER TABLE usage_prefix ADD PRIMARY KEY (grain, day, organization_id, mcp_server_id, tool, model, hub_user_id);
CREATE INDEX usage_prefix_user ON usage_prefix (hub_user_id, grain, day) WHERE grain IN (17, 19, 23);
CREATE INDEX usage_prefix_org ON usage_prefix (organization_id, grain, day);
CREATE INDEX usage_prefix_server ON usage_prefix (mcp_server_id, grain, day) WHERE grain IN (15, 19, 23);
CREATE INDEX usage_prefix_tool ON usage_prefix (tool, grain, day) WHERE grain IN (15, 23);

CREATE TABLE usage_prefixes (
    day     timestamptz PRIMARY KEY CHECK (day = date_trunc('day', day, 'UTC')),
    -- The rows hold the hours [day, through).
    through timestamptz NOT NULL CHECK (
        through = date_trunc('hour', through, 'UTC') AND through > day AND through <= day + interval '1 day'
    ),
    dirty   boolean NOT NULL DEFAULT false
);
