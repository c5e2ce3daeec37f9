-- Up Migration
-- Newest-first transaction lists filtered by chaincode, function, creator organization or
-- invalidity walk one of these in list order and stop at the page; without them a filter that
-- matches few transactions (or none) reads the whole ledger to fill a page.
CREATE INDEX transactions_chaincode_newest
  ON transactions (channel, chaincode, block_number DESC, tx_index DESC);
CREATE INDEX transactions_function_newest
  ON transactions (channel, function, block_number DESC, tx_index DESC);
CREATE INDEX transactions_creator_newest
  ON transactions (channel, creator_msp, block_number DESC, tx_index DESC);
CREATE INDEX transactions_invalid_newest
  ON transactions (channel, block_number DESC, tx_index DESC) WHERE validation_code <> 0;
CREATE INDEX transactions_creator_invalid_newest
  ON transactions (channel, creator_msp, block_number DESC, tx_index DESC)
  WHERE validation_code <> 0;

-- Same columns; the block hash is looked up for the rows of the page only, where a join made
-- the planner read every block to merge them with a deep page's transactions.
CREATE OR REPLACE VIEW v_recent_transactions AS
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
       (SELECT b.hash FROM blocks b
         WHERE b.channel = t.channel AND b.number = t.block_number) AS block_hash,
       (SELECT COALESCE(array_agg(e.event_name ORDER BY e.event_index), '{}')
          FROM chaincode_events e
         WHERE e.channel = t.channel AND e.block_number = t.block_number
           AND e.tx_index = t.tx_index) AS event_names
FROM transactions t
ORDER BY t.block_number DESC, t.tx_index DESC;

-- Down Migration
CREATE OR REPLACE VIEW v_recent_transactions AS
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
DROP INDEX transactions_creator_invalid_newest;
DROP INDEX transactions_invalid_newest;
DROP INDEX transactions_creator_newest;
DROP INDEX transactions_function_newest;
DROP INDEX transactions_chaincode_newest;
