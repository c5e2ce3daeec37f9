-- Up Migration
-- Reads that stay fast at millions of transactions, and a cheaper write per transaction.

-- Same answer (1 to 200 ASCII digits, else NULL) without the bounded repetition {1,200}, which
-- Postgres's regex engine compiles into a large automaton and runs at some 0.2 ms a value: the
-- writer's balance recount called it for every balance and credit key an account holds.
CREATE OR REPLACE FUNCTION datasync_base_units(value bytea) RETURNS numeric
  LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN octet_length(value) BETWEEN 1 AND 200
                 AND convert_from(value, 'UTF8') ~ '^[0-9]+$'
                THEN convert_from(value, 'UTF8')::numeric END
  $$;

-- Transactions counted per channel, time bucket, chaincode and creator organization, kept by the
-- writer in the same transaction as the blocks: the explorer's activity chart sums a few hundred
-- of these rows instead of grouping every transaction of its window. Two bucket sizes: minutes
-- for short windows, half hours for long ones (each divides the chart's bucket sizes).
CREATE TABLE activity_rollup (
  channel text NOT NULL,
  bucket_seconds integer NOT NULL,
  bucket_start timestamptz NOT NULL,
  chaincode text,
  creator_msp text,
  valid bigint NOT NULL,
  invalid bigint NOT NULL,
  CONSTRAINT activity_rollup_bucket
    UNIQUE NULLS NOT DISTINCT (channel, bucket_seconds, bucket_start, chaincode, creator_msp)
);

-- A mirror filled before this migration: count its transactions once.
INSERT INTO activity_rollup
SELECT channel, size, date_bin(make_interval(secs => size), timestamp, 'epoch'::timestamptz),
       chaincode, creator_msp,
       count(*) FILTER (WHERE validation_code = 0), count(*) FILTER (WHERE validation_code <> 0)
FROM transactions CROSS JOIN (VALUES (60), (1800)) AS sizes(size)
WHERE timestamp IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

-- v_assets filtered by owner, owner id, type or status, in id order: each walks its own index
-- from the filter value and stops at the page. Their statistics also tell the planner how common
-- a value is, so a rare one is found through its index and a common one along the sort order.
CREATE INDEX world_state_asset_owner_msp ON world_state
  (channel, namespace, (value_json -> 'owner' ->> 'mspId'), (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
CREATE INDEX world_state_asset_owner_id ON world_state
  (channel, namespace, (value_json -> 'owner' ->> 'ownerId'), (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
CREATE INDEX world_state_asset_type ON world_state
  (channel, namespace, (value_json ->> 'type'), (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
CREATE INDEX world_state_asset_status ON world_state
  (channel, namespace, (value_json ->> 'status'), (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
-- Id prefixes as a byte-order range, whatever the database's collation.
CREATE INDEX world_state_asset_id_bytes ON world_state
  (channel, namespace, (key_attributes ->> 0) COLLATE "C")
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';

-- Down Migration
DROP INDEX world_state_asset_id_bytes;
DROP INDEX world_state_asset_status;
DROP INDEX world_state_asset_type;
DROP INDEX world_state_asset_owner_id;
DROP INDEX world_state_asset_owner_msp;
DROP TABLE activity_rollup;
CREATE OR REPLACE FUNCTION datasync_base_units(value bytea) RETURNS numeric
  LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN convert_from(value, 'UTF8') ~ '^[0-9]{1,200}$'
                THEN convert_from(value, 'UTF8')::numeric END
  $$;
