-- Up Migration
-- Every read view the explorer and the app-api use lives here, in this one migration.
-- A later change to a view replaces this set in a new migration (CREATE OR REPLACE VIEW).

-- Whole numbers stored as decimal text (token amounts in base units); NULL for anything else.
CREATE FUNCTION datasync_base_units(value bytea) RETURNS numeric
  LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN convert_from(value, 'UTF8') ~ '^[0-9]{1,200}$'
                THEN convert_from(value, 'UTF8')::numeric END
  $$;

-- AssetContract assets: composite key asset + [id], JSON documents in the public state.
CREATE VIEW v_assets AS
SELECT ws.channel,
       ws.namespace AS chaincode,
       ws.key_attributes ->> 0 AS asset_id,
       ws.value_json ->> 'type' AS asset_type,
       ws.value_json -> 'owner' ->> 'mspId' AS owner_msp,
       ws.value_json -> 'owner' ->> 'ownerId' AS owner_id,
       ws.value_json ->> 'status' AS status,
       ws.value_json -> 'attributes' AS attributes,
       ws.value_json ->> 'privateDetailsHash' AS private_details_hash,
       ws.value_json ->> 'createdAt' AS created_at,
       ws.value_json ->> 'updatedAt' AS updated_at,
       ws.block_number,
       ws.tx_id,
       ws.value_json AS document
FROM world_state ws
WHERE ws.collection = ''
  AND ws.object_type = 'asset'
  AND ws.value_json ->> 'docType' = 'asset';

-- TokenContract balances: consolidated balance + pending credits, per account, in base units.
CREATE VIEW v_token_balances AS
WITH parts AS (
  SELECT channel, namespace, key_attributes ->> 0 AS account,
         CASE WHEN object_type = 'balance' THEN datasync_base_units(value) ELSE 0 END AS base,
         CASE WHEN object_type = 'credit' THEN datasync_base_units(value) ELSE 0 END AS credit,
         CASE WHEN object_type = 'credit' THEN 1 ELSE 0 END AS is_credit,
         block_number
  FROM world_state
  WHERE collection = '' AND object_type IN ('balance', 'credit')
)
SELECT channel,
       namespace AS chaincode,
       account,
       COALESCE(SUM(base), 0) AS base_balance,
       COALESCE(SUM(credit), 0) AS pending_credits,
       SUM(is_credit)::integer AS pending_credit_count,
       COALESCE(SUM(base), 0) + COALESCE(SUM(credit), 0) AS balance,
       MAX(block_number) AS last_block
FROM parts
GROUP BY channel, namespace, account;

-- Transactions newest first, with their block and the events they emitted.
CREATE VIEW v_recent_transactions AS
SELECT t.channel,
       t.block_number,
       t.tx_index,
       t.tx_id,
       t.type,
       t.timestamp,
       t.creator_msp,
       t.chaincode,
       t.function,
       t.validation_code,
       t.validation_name,
       t.validation_code = 0 AS valid,
       t.correlation_id,
       b.hash AS block_hash,
       (SELECT COALESCE(array_agg(e.event_name ORDER BY e.event_index), '{}')
          FROM chaincode_events e
         WHERE e.channel = t.channel AND e.block_number = t.block_number
           AND e.tx_index = t.tx_index) AS event_names
FROM transactions t
JOIN blocks b ON b.channel = t.channel AND b.number = t.block_number
ORDER BY t.block_number DESC, t.tx_index DESC;

-- How far each channel's mirror has got.
CREATE VIEW v_sync_status AS
SELECT c.channel,
       c.last_block,
       c.last_hash,
       b.timestamp AS last_block_timestamp,
       c.updated_at,
       (SELECT count(*) FROM outbox o
         WHERE o.channel = c.channel AND o.published_at IS NULL) AS outbox_pending
FROM checkpoints c
LEFT JOIN blocks b ON b.channel = c.channel AND b.number = c.last_block;

-- Down Migration
DROP VIEW v_sync_status;
DROP VIEW v_recent_transactions;
DROP VIEW v_token_balances;
DROP VIEW v_assets;
DROP FUNCTION datasync_base_units(bytea);
