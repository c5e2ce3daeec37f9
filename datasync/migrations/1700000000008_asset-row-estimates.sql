-- Up Migration
-- How many world-state rows are v_assets rows, for the planner. Each of the view's conditions
-- (public collection, object type 'asset', document type 'asset') was estimated alone and the
-- three multiplied, the document type at the default 0.5% as an expression without statistics:
-- some 170 assets for 35,000. With so few expected, an attribute search sorted every document the
-- GIN index matched (a third of the assets for a common value) instead of walking the id order,
-- and a rare value also read the whole id index to intersect it with the GIN index's few rows.
-- This list of the combinations' frequencies counts the view's rows within a few percent.
CREATE STATISTICS world_state_asset_kind (mcv)
  ON collection, object_type, (value_json ->> 'docType') FROM world_state;
ANALYZE world_state;

-- Down Migration
DROP STATISTICS world_state_asset_kind;
