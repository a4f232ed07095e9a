-- A B-tree on the events' time instead of the block-range index: the dashboard's
-- activity feed asks for the latest events, which a BRIN cannot give in order (it read
-- the last two hours of events and sorted them: 38 ms with a busy hour, where a
-- backward index scan takes under a millisecond). Retention and raw comparisons, the
-- BRIN's other readers, are range reads a B-tree serves as well (docs/ARCHITECTURE.md,
-- "Usage and analytics").
DROP INDEX usage_events_occurred_at;
CREATE INDEX usage_events_occurred_at ON usage_events (occurred_at);
