package fi.vointi.organization;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SQL of the organisation tables. Runs in the caller's transaction: a unit row and its closure pairs are always
 * written together by {@link OrganizationService}.
 */
@Singleton
class OrganizationStore {
    private static final String UNIT_COLUMNS = "id, parent_id, kind, name, active, feedback_enabled, version_id,"
            + " last_updated, resource_json";
    private final Sql sql;

    OrganizationStore(JdbcOperations jdbc) {
        this.sql = new Sql(jdbc);
    }

    /** A stored Organization row. */
    record UnitRow(UnitNode node, int versionId, Instant lastUpdated, String resourceJson, String nameSearch) {
    }

    /** A stored Location row. */
    record LocationRow(String id, String unitId, String name, boolean active, int versionId, Instant lastUpdated,
                       String resourceJson, String nameSearch) {
    }

    /**
     * Serialises changes of the hierarchy: row locks on every county, taken in id order, until the transaction
     * ends. Each write reads the closure (the parent's ancestors, the moved subtree, the cycle check, the children's
     * levels) and then writes pairs derived from what it read; two such writes at once (a service moved while a
     * unit is created under it, crosswise moves) would otherwise leave pairs that no parent link explains.
     * Structure changes are rare admin actions, so one lock for all is cheap; reads take no lock.
     */
    void lockStructure() {
        sql.list("SELECT id FROM organization_unit WHERE kind = 'county' ORDER BY id FOR UPDATE", rs -> rs.getString(1));
    }

    Optional<UnitRow> findUnit(String id) {
        return sql.first("SELECT " + UNIT_COLUMNS + " FROM organization_unit WHERE id = ?", OrganizationStore::unitRow, id);
    }

    List<UnitNode> children(String id) {
        return sql.list("SELECT " + UNIT_COLUMNS + " FROM organization_unit WHERE parent_id = ? ORDER BY id",
                rs -> unitRow(rs).node(), id);
    }

    void insertUnit(UnitRow row) {
        UnitNode n = row.node();
        sql.update("INSERT INTO organization_unit (" + UNIT_COLUMNS + ", name_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                n.id(), n.parentId(), n.level().code(), n.name(), n.active(), n.feedbackEnabled(), row.versionId(),
                time(row.lastUpdated()), row.resourceJson(), row.nameSearch());
    }

    /** @return false when the row is no longer at {@code expectedVersion} (someone else wrote it) */
    boolean updateUnit(UnitRow row, int expectedVersion) {
        UnitNode n = row.node();
        return sql.update("UPDATE organization_unit SET parent_id = ?, kind = ?, name = ?, active = ?, feedback_enabled = ?,"
                        + " version_id = ?, last_updated = ?, resource_json = ?, name_search = ? WHERE id = ? AND version_id = ?",
                n.parentId(), n.level().code(), n.name(), n.active(), n.feedbackEnabled(), row.versionId(),
                time(row.lastUpdated()), row.resourceJson(), row.nameSearch(), n.id(), expectedVersion) == 1;
    }

    void deleteUnit(String id) {
        sql.update("DELETE FROM organization_closure WHERE descendant_id = ? OR ancestor_id = ?", id, id);
        sql.update("DELETE FROM organization_unit WHERE id = ?", id);
    }

    /** Closure pairs of a new leaf: itself at depth 0 and every ancestor of its parent one level deeper. */
    void addToClosure(String id, String parentId) {
        sql.update("INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, 0)", id, id);
        if (parentId != null) {
            sql.update("INSERT INTO organization_closure (ancestor_id, descendant_id, depth)"
                    + " SELECT ancestor_id, ?, depth + 1 FROM organization_closure WHERE descendant_id = ?", id, parentId);
        }
    }

    /**
     * Moves the subtree of {@code id} under {@code newParentId}: the pairs linking the subtree to its old ancestors
     * are deleted and every (new ancestor, subtree member) pair inserted; pairs inside the subtree stay.
     */
    void moveInClosure(String id, String newParentId) {
        List<String> subtree = List.copyOf(descendants(List.of(id)));
        String members = Sql.placeholders(subtree);
        List<Object> parameters = new ArrayList<>(subtree);
        parameters.addAll(subtree);
        sql.update("DELETE FROM organization_closure WHERE descendant_id IN (" + members + ") AND ancestor_id NOT IN ("
                + members + ")", parameters.toArray());
        if (newParentId != null) {
            sql.update("INSERT INTO organization_closure (ancestor_id, descendant_id, depth)"
                    + " SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1"
                    + " FROM organization_closure a, organization_closure d"
                    + " WHERE a.descendant_id = ? AND d.ancestor_id = ?", newParentId, id);
        }
    }

    /** Whether {@code candidate} is {@code ancestor} itself or lies anywhere under it. */
    boolean isInSubtree(String ancestor, String candidate) {
        return sql.count("SELECT COUNT(*) FROM organization_closure WHERE ancestor_id = ? AND descendant_id = ?",
                ancestor, candidate) > 0;
    }

    /** The given ids and every id under them (only ids that exist contribute descendants). */
    Set<String> descendants(Collection<String> ids) {
        Set<String> result = new LinkedHashSet<>(ids);
        if (!ids.isEmpty()) {
            result.addAll(sql.list("SELECT descendant_id FROM organization_closure WHERE ancestor_id IN ("
                    + Sql.placeholders(ids) + ") ORDER BY depth, descendant_id", List.copyOf(ids), rs -> rs.getString(1)));
        }
        return result;
    }

    /** Ancestors of {@code id}, nearest (the parent) first; empty for a root or an unknown id. */
    List<String> ancestors(String id) {
        return sql.list("SELECT ancestor_id FROM organization_closure WHERE descendant_id = ? AND depth > 0 ORDER BY depth",
                rs -> rs.getString(1), id);
    }

    long countActiveChildren(String id) {
        return sql.count("SELECT COUNT(*) FROM organization_unit WHERE parent_id = ? AND active = TRUE", id);
    }

    long countChildren(String id) {
        return sql.count("SELECT COUNT(*) FROM organization_unit WHERE parent_id = ?", id);
    }

    long countLocations(String unitId) {
        return sql.count("SELECT COUNT(*) FROM service_location WHERE unit_id = ?", unitId);
    }

    long countResponses(String unitId) {
        return sql.count("SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unitId);
    }

    long countInvitations(String unitId) {
        return sql.count("SELECT COUNT(*) FROM invitation WHERE unit_ref = ?", "Organization/" + unitId);
    }

    Optional<LocationRow> findLocation(String id) {
        return sql.first("SELECT id, unit_id, name, active, version_id, last_updated, resource_json, name_search"
                + " FROM service_location WHERE id = ?", OrganizationStore::locationRow, id);
    }

    void insertLocation(LocationRow row) {
        sql.update("INSERT INTO service_location (id, unit_id, name, active, version_id, last_updated, resource_json,"
                        + " name_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row.id(), row.unitId(), row.name(), row.active(),
                row.versionId(), time(row.lastUpdated()), row.resourceJson(), row.nameSearch());
    }

    boolean updateLocation(LocationRow row, int expectedVersion) {
        return sql.update("UPDATE service_location SET unit_id = ?, name = ?, active = ?, version_id = ?, last_updated = ?,"
                        + " resource_json = ?, name_search = ? WHERE id = ? AND version_id = ?", row.unitId(), row.name(),
                row.active(), row.versionId(), time(row.lastUpdated()), row.resourceJson(), row.nameSearch(), row.id(),
                expectedVersion) == 1;
    }

    void deleteLocation(String id) {
        sql.update("DELETE FROM service_location WHERE id = ?", id);
    }

    Sql sql() {
        return sql;
    }

    private static UnitRow unitRow(ResultSet rs) throws SQLException {
        UnitNode node = new UnitNode(rs.getString("id"), rs.getString("parent_id"),
                OrganizationLevel.fromCode(rs.getString("kind")).orElseThrow(() -> new IllegalStateException(
                        "organization_unit " + safe(rs) + " has an unknown kind")),
                rs.getString("name"), rs.getBoolean("active"), rs.getBoolean("feedback_enabled"));
        return new UnitRow(node, rs.getInt("version_id"), rs.getObject("last_updated", OffsetDateTime.class).toInstant(),
                rs.getString("resource_json"), null);
    }

    private static LocationRow locationRow(ResultSet rs) throws SQLException {
        return new LocationRow(rs.getString("id"), rs.getString("unit_id"), rs.getString("name"), rs.getBoolean("active"),
                rs.getInt("version_id"), rs.getObject("last_updated", OffsetDateTime.class).toInstant(),
                rs.getString("resource_json"), rs.getString("name_search"));
    }

    private static String safe(ResultSet rs) {
        try {
            return rs.getString("id");
        } catch (SQLException e) {
            return "?";
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
