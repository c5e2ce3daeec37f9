-- Up Migration
-- The mirror of each channel's ledger. Keys are stored escaped (backslash doubled, U+0000 as \0)
-- because Postgres text cannot hold U+0000, which every Fabric composite key contains.

CREATE TABLE blocks (
  channel text NOT NULL,
  number bigint NOT NULL,
  hash text NOT NULL,
  previous_hash text NOT NULL,
  data_hash text NOT NULL,
  data_hash_valid boolean NOT NULL,
  tx_count integer NOT NULL,
  is_config boolean NOT NULL,
  timestamp timestamptz,
  mirrored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, number)
);
CREATE INDEX blocks_timestamp ON blocks (timestamp DESC);

CREATE TABLE transactions (
  channel text NOT NULL,
  block_number bigint NOT NULL,
  tx_index integer NOT NULL,
  tx_id text NOT NULL,
  type text NOT NULL,
  creator_msp text,
  creator_subject text,
  chaincode text,
  function text,
  validation_code integer NOT NULL,
  validation_name text NOT NULL,
  timestamp timestamptz,
  correlation_id text,
  PRIMARY KEY (channel, block_number, tx_index),
  FOREIGN KEY (channel, block_number) REFERENCES blocks (channel, number)
);
CREATE INDEX transactions_tx_id ON transactions (tx_id);
CREATE INDEX transactions_chaincode ON transactions (channel, chaincode, function);
CREATE INDEX transactions_timestamp ON transactions (timestamp DESC);
CREATE INDEX transactions_correlation_id ON transactions (correlation_id)
  WHERE correlation_id IS NOT NULL;

CREATE TABLE writes (
  channel text NOT NULL,
  block_number bigint NOT NULL,
  tx_index integer NOT NULL,
  write_index integer NOT NULL,
  tx_id text NOT NULL,
  namespace text NOT NULL,
  collection text NOT NULL DEFAULT '',
  key text NOT NULL,
  object_type text,
  key_attributes jsonb,
  value bytea,
  value_json jsonb,
  is_delete boolean NOT NULL,
  PRIMARY KEY (channel, block_number, tx_index, write_index),
  FOREIGN KEY (channel, block_number, tx_index)
    REFERENCES transactions (channel, block_number, tx_index)
);
CREATE INDEX writes_key ON writes (channel, namespace, collection, key);
CREATE INDEX writes_value_json ON writes USING gin (value_json jsonb_path_ops);

CREATE TABLE world_state (
  channel text NOT NULL,
  namespace text NOT NULL,
  collection text NOT NULL DEFAULT '',
  key text NOT NULL,
  object_type text,
  key_attributes jsonb,
  value bytea NOT NULL,
  value_json jsonb,
  block_number bigint NOT NULL,
  tx_index integer NOT NULL,
  tx_id text NOT NULL,
  updated_at timestamptz,
  PRIMARY KEY (channel, namespace, collection, key)
);
CREATE INDEX world_state_object_type ON world_state (channel, namespace, object_type);
CREATE INDEX world_state_value_json ON world_state USING gin (value_json jsonb_path_ops);
CREATE INDEX world_state_key_attributes ON world_state USING gin (key_attributes);

CREATE TABLE chaincode_events (
  channel text NOT NULL,
  block_number bigint NOT NULL,
  tx_index integer NOT NULL,
  event_index integer NOT NULL,
  tx_id text NOT NULL,
  chaincode text NOT NULL,
  event_name text NOT NULL,
  payload bytea NOT NULL,
  payload_json jsonb,
  PRIMARY KEY (channel, block_number, tx_index, event_index),
  FOREIGN KEY (channel, block_number, tx_index)
    REFERENCES transactions (channel, block_number, tx_index)
);
CREATE INDEX chaincode_events_name ON chaincode_events (channel, chaincode, event_name);
CREATE INDEX chaincode_events_payload ON chaincode_events USING gin (payload_json jsonb_path_ops);

-- One row per channel: the last block applied, written in the same transaction as the block.
CREATE TABLE checkpoints (
  channel text PRIMARY KEY,
  last_block bigint NOT NULL DEFAULT -1,
  last_hash text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox: ledger events to publish to Kafka, in id order.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  channel text NOT NULL,
  block_number bigint NOT NULL,
  tx_index integer NOT NULL,
  event_index integer NOT NULL,
  tx_id text NOT NULL,
  chaincode text NOT NULL,
  event_name text NOT NULL,
  payload bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  UNIQUE (channel, block_number, tx_index, event_index)
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Down Migration
DROP TABLE outbox;
DROP TABLE checkpoints;
DROP TABLE chaincode_events;
DROP TABLE world_state;
DROP TABLE writes;
DROP TABLE transactions;
DROP TABLE blocks;
