-- Vointi schema, version 4: the county's organisation structure (issue #6).
-- county -> service area -> service -> unit, as FHIR Organization with partOf; service points as Location.

-- One row per Organization; resource_json is the FHIR resource as served.
CREATE TABLE organization_unit (
    id               VARCHAR(64)  NOT NULL,
    parent_id        VARCHAR(64),
    kind             VARCHAR(16)  NOT NULL,
    name             VARCHAR(255) NOT NULL,
    active           BOOLEAN      NOT NULL,
    feedback_enabled BOOLEAN      NOT NULL,
    version_id       INTEGER      NOT NULL,
    last_updated     TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json    VARCHAR      NOT NULL,
    -- every language variant of the name, for FHIR string search: '\nf:' + folded (lower case, no accents)
    -- and '\nx:' + as written, one line each (fi.vointi.organization.NameSearch); empty default for rows written by plain SQL
    name_search      VARCHAR(4000) DEFAULT '' NOT NULL,
    CONSTRAINT pk_organization_unit PRIMARY KEY (id),
    CONSTRAINT fk_organization_unit_parent FOREIGN KEY (parent_id) REFERENCES organization_unit (id)
);
CREATE INDEX ix_organization_unit_parent ON organization_unit (parent_id);
CREATE INDEX ix_organization_unit_kind ON organization_unit (kind, active);

-- Every (ancestor, descendant) pair of the hierarchy, including each unit with itself at depth 0, so that
-- "this unit and everything under it" is one indexed join for access checks and analytics.
CREATE TABLE organization_closure (
    ancestor_id   VARCHAR(64) NOT NULL,
    descendant_id VARCHAR(64) NOT NULL,
    depth         INTEGER     NOT NULL,
    CONSTRAINT pk_organization_closure PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX ix_organization_closure_descendant ON organization_closure (descendant_id, ancestor_id);

-- Service points (FHIR Location) of a unit: a reception desk, a kiosk, a ward.
CREATE TABLE service_location (
    id            VARCHAR(64)  NOT NULL,
    unit_id       VARCHAR(64)  NOT NULL,
    name          VARCHAR(255) NOT NULL,
    active        BOOLEAN      NOT NULL,
    version_id    INTEGER      NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_json VARCHAR      NOT NULL,
    -- name variants for search, as in organization_unit.name_search
    name_search   VARCHAR(4000) DEFAULT '' NOT NULL,
    CONSTRAINT pk_service_location PRIMARY KEY (id),
    CONSTRAINT fk_service_location_unit FOREIGN KEY (unit_id) REFERENCES organization_unit (id)
);
CREATE INDEX ix_service_location_unit ON service_location (unit_id);
