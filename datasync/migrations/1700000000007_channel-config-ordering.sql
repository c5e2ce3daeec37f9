-- Up Migration
-- How each config block has its channel ordered, beside its membership: the Orderer group's
-- ConsensusType (type and state), the Raft consenters of an etcdraft config and the Kafka brokers
-- of a kafka one. One row per config block, so a Kafka to Raft migration reads as kafka (normal),
-- kafka (maintenance), etcdraft (maintenance), etcdraft (normal). All four are NULL together for a
-- config without a ConsensusType value and for rows recorded before this migration.
ALTER TABLE channel_configs
  ADD COLUMN consensus_type text,
  ADD COLUMN consensus_state text CHECK (consensus_state IN ('normal', 'maintenance')),
  ADD COLUMN consenters jsonb,
  ADD COLUMN kafka_brokers jsonb,
  ADD CONSTRAINT channel_configs_ordering_whole CHECK (
    (consensus_type IS NULL) = (consensus_state IS NULL)
    AND (consensus_type IS NULL) = (consenters IS NULL)
    AND (consensus_type IS NULL) = (kafka_brokers IS NULL)
  );

-- Down Migration
ALTER TABLE channel_configs
  DROP CONSTRAINT channel_configs_ordering_whole,
  DROP COLUMN kafka_brokers,
  DROP COLUMN consenters,
  DROP COLUMN consensus_state,
  DROP COLUMN consensus_type;
