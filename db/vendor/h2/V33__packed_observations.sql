-- Vointi schema, version 33 (issue 19, disk per stored response): an Observation's JSON is stored packed by the
-- application (fi.vointi.observations.PackedObservationJson: a format byte, then Deflate with a preset dictionary of
-- what every score Observation repeats), as HAPI stores resource text compressed (its JSONC encoding). The reason is
-- PostgreSQL's disk (db/vendor/postgresql/V33); H2 keeps the same columns so that the service has one SQL.
-- Rows stored before this version become format 0 (the byte 0x00, then the JSON as UTF-8), which the service
-- reads as they are; only rows written from now on are compressed.
-- Not backward compatible for one release (docs/operations.md, "Upgrades without downtime", V33): a release before
-- it reads and writes resource_json.
ALTER TABLE observation ADD COLUMN resource VARBINARY;
UPDATE observation SET resource = X'00' || STRINGTOUTF8(resource_json);
ALTER TABLE observation ALTER COLUMN resource SET NOT NULL;
ALTER TABLE observation DROP COLUMN resource_json;

ALTER TABLE observation_history ADD COLUMN resource VARBINARY;
UPDATE observation_history SET resource = X'00' || STRINGTOUTF8(resource_json);
ALTER TABLE observation_history ALTER COLUMN resource SET NOT NULL;
ALTER TABLE observation_history DROP COLUMN resource_json;
