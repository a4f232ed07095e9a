-- Cuts: the daily grains summed over the first 6, 12 and 18 hours of each sealed UTC
-- day, written with the day (usage::days) and valid exactly while it is clean. A
-- range whose edge falls inside a past day reads a cut plus or minus at most three
-- hours, where it read up to twelve hourly rows per user (docs/ARCHITECTURE.md, "Usage
-- and analytics").
CREATE TABLE usage_cuts (LIKE usage_daily INCLUDING CONSTRAINTS);
-- The rows hold the hours [day, through).
ALTER TABLE usage_cuts ADD COLUMN through timestamptz NOT NULL CHECK (
    through IN (day + interval '6 hours', day + interval '12 hours', day + interval '18 hours')
);
ALTER TABLE usage_cuts ADD PRIMARY KEY (grain, day, through, organization_id, mcp_server_id, tool, model, hub_user_id);
CREATE INDEX usage_cuts_user ON usage_cuts (hub_user_id, grain, day, through) WHERE grain IN (17, 19, 23);
CREATE INDEX usage_cuts_org ON usage_cuts (organization_id, grain, day, through);
CREATE INDEX usage_cuts_server ON usage_cuts (mcp_server_id, grain, day, through) WHERE grain IN (15, 19, 23);
CREATE INDEX usage_cuts_tool ON usage_cuts (tool, grain, day, through) WHERE grain IN (15, 23);

-- A day sealed before has no cuts: seal every day again (a question reads their hours
-- meanwhile).
UPDATE usage_days SET dirty = true;
