-- Up Migration
-- Who each channel's members are, as each config block says: the application organizations with
-- their MSP id and anchor peers, and the ordering organizations. Readers take the newest row of a
-- channel, so an organization added or removed by a config update shows up without a restart.
CREATE TABLE channel_configs (
  channel text NOT NULL,
  block_number bigint NOT NULL,
  members jsonb NOT NULL,
  orderer_orgs jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, block_number)
);

-- Down Migration
DROP TABLE channel_configs;
