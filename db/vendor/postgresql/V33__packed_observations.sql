-- Vointi schema, version 33 (issue 19, disk per stored response): an Observation's JSON is stored packed by the
-- application (fi.vointi.observations.PackedObservationJson: a format byte, then Deflate with a preset dictionary of
-- what every score Observation repeats), as HAPI stores resource text compressed (its JSONC encoding). A score
-- Observation is ~1,000 characters, below the ~2 KB row size from which PostgreSQL compresses anything, so as
-- VARCHAR it took ~1.7 KB per score, four per response (bench/README.md, "Write path").
-- Rows stored before this version become format 0 (the byte 0x00, then the JSON as UTF-8), which the service
-- reads as they are; only rows written from now on are compressed. The same in db/vendor/h2/V33 (other SQL).
-- Not backward compatible for one release (docs/operations.md, "Upgrades without downtime", V33): a release before
-- it reads and writes resource_json.
ALTER TABLE observation ADD COLUMN resource BYTEA;
UPDATE observation SET resource = '\x00'::bytea || convert_to(resource_json, 'UTF8');
ALTER TABLE observation ALTER COLUMN resource SET NOT NULL;
ALTER TABLE observation DROP COLUMN resource_json;

ALTER TABLE observation_history ADD COLUMN resource BYTEA;
UPDATE observation_history SET resource = '\x00'::bytea || convert_to(resource_json, 'UTF8');
ALTER TABLE observation_history ALTER COLUMN resource SET NOT NULL;
ALTER TABLE observation_history DROP COLUMN resource_json;
