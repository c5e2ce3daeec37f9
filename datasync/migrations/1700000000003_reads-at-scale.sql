-- Up Migration
-- Reads that stay fast on a ledger of millions of transactions: every listing walks an index in
-- its sort order and stops at its page, instead of sorting or grouping the whole set per page.

-- Token balances, one row per account, kept by the writer in the same transaction as the
-- world-state rows they sum (the balance key plus every pending credit key of the account).
CREATE TABLE token_balances (
  channel text NOT NULL,
  namespace text NOT NULL,
  account text NOT NULL,
  base_balance numeric NOT NULL,
  pending_credits numeric NOT NULL,
  pending_credit_count integer NOT NULL,
  balance numeric NOT NULL,
  last_block bigint NOT NULL,
  PRIMARY KEY (channel, namespace, account)
);
CREATE INDEX token_balances_by_balance ON token_balances (channel, namespace, balance, account);

-- The rows of one account, for the writer's recount of the accounts a block touched.
CREATE INDEX world_state_token_account ON world_state (channel, namespace, (key_attributes ->> 0))
  WHERE collection = '' AND object_type IN ('balance', 'credit');

-- A mirror filled before this migration: count its balances once.
INSERT INTO token_balances
SELECT channel, chaincode, account, base_balance, pending_credits, pending_credit_count, balance,
       last_block
FROM v_token_balances;

-- Same columns as before, now read from the kept table.
CREATE OR REPLACE VIEW v_token_balances AS
SELECT channel,
       namespace AS chaincode,
       account,
       base_balance,
       pending_credits,
       pending_credit_count,
       balance,
       last_block
FROM token_balances;

-- v_assets pages, in each of its sort orders, and finds one asset by id, through these
-- partial indexes on exactly the view's condition.
CREATE INDEX world_state_asset_id ON world_state (channel, namespace, (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
CREATE INDEX world_state_asset_updated ON world_state
  (channel, namespace, (value_json ->> 'updatedAt'), (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
CREATE INDEX world_state_asset_created ON world_state
  (channel, namespace, (value_json ->> 'createdAt'), (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';
CREATE INDEX world_state_asset_block ON world_state
  (channel, namespace, block_number, (key_attributes ->> 0))
  WHERE collection = '' AND object_type = 'asset' AND value_json ->> 'docType' = 'asset';

-- Key search in the state browser matches text anywhere in a key: trigrams answer it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX world_state_key_trigram ON world_state USING gin (key gin_trgm_ops);

-- Down Migration
DROP INDEX world_state_key_trigram;
DROP INDEX world_state_asset_block;
DROP INDEX world_state_asset_created;
DROP INDEX world_state_asset_updated;
DROP INDEX world_state_asset_id;
CREATE OR REPLACE VIEW v_token_balances AS
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
DROP INDEX world_state_token_account;
DROP TABLE token_balances;
