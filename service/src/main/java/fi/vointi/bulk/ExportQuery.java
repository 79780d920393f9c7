package fi.vointi.bulk;

import fi.vointi.fhir.SqlWhere;
import fi.vointi.responses.GrantConditions;
import fi.vointi.security.AccessPolicy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The SQL of one keyset page of an export: rows of one type after the last id written, in id order. Pure logic.
 *
 * <p>Visibility is the search's own: responses, their Observations and their sharing decisions (Consent) through
 * {@link GrantConditions} of the caller's {@link AccessPolicy.ReadGrant}s, so an export never holds what a search would
 * not return; Tasks and Organizations are exported only to a client whose scopes let it read them at all
 * ({@link AccessPolicy#exportType}), Tasks' outputs are filtered by the worker as {@code GET /fhir/Task} filters them.
 * Questionnaires are not read here: the worker takes them from the catalog (the same as {@code /fhir/Questionnaire}).
 *
 * <p>A row belongs to the export when it was last changed at or before the job's transaction time and, with
 * {@code _since}, after it; a response whose sharing was decided after {@code _since} counts as changed (sharing does
 * not touch last_updated, yet it is what makes a response newly visible to an EHR). That "or" is two branches of a
 * UNION ALL, each with its own keyset order and limit: one condition "changed after _since OR shared after _since"
 * cannot use an index (docs/bulk-export.md, "_since and indexes"), two separate ones can.
 */
final class ExportQuery {
    private ExportQuery() {
    }

    record Page(String sql, List<Object> parameters) {
    }

    /**
     * One exported table: its alias, what counts as its change time, the columns the worker needs, and the column
     * of the stored resource (an Observation's is packed, PackedObservationJson: the worker unpacks it).
     */
    private record Table(String alias, String from, String changedAt, String columns, String resource,
                         boolean throughResponse) {
    }

    private static Table table(String type) {
        return switch (type) {
            case "QuestionnaireResponse" -> new Table("r.", " FROM questionnaire_response r", "r.last_updated",
                    "r.id, r.resource_json", "resource_json", true);
            case "Observation" -> new Table("o.", " FROM observation o JOIN questionnaire_response r ON r.id = o.response_id",
                    "o.last_updated", "o.id, o.resource", "resource", true);
            case "Consent" -> new Table("d.", " FROM sharing_decision d JOIN questionnaire_response r ON r.id = d.response_id",
                    "d.decided_at", "d.id, d.response_id, d.patient_id, d.decision, d.decided_by, d.decided_at, r.unit_ref", null, true);
            case "Task" -> new Table("i.", " FROM invitation i", "i.last_updated",
                    "i.id, i.resource_json", "resource_json", false);
            case "Organization" -> new Table("u.", " FROM organization_unit u", "u.last_updated",
                    "u.id, u.resource_json", "resource_json", false);
            default -> throw new IllegalArgumentException("Not an exported table: " + type);
        };
    }

    /**
     * @param unitRefs the Group's units as {@code Organization/x} references; null for a system-level export
     */
    static Page page(String type, List<AccessPolicy.ReadGrant> grants, Set<String> unitRefs, Instant since,
                     Instant transactionTime, String afterId, int limit) {
        Table table = table(type);
        if (since == null) {
            SqlWhere where = common(table, grants, unitRefs, transactionTime, afterId);
            return new Page(select(table, where, limit), with(where.parameters(), limit));
        }
        SqlWhere changed = common(table, grants, unitRefs, transactionTime, afterId);
        changed.add(table.changedAt() + " > ?", utc(since));
        if (!"QuestionnaireResponse".equals(type) && !"Observation".equals(type)) {
            return new Page(select(table, changed, limit), with(changed.parameters(), limit));
        }
        // not changed itself, but its response was shared after _since (disjoint from the first branch)
        SqlWhere shared = common(table, grants, unitRefs, transactionTime, afterId);
        shared.add(table.changedAt() + " <= ?", utc(since));
        shared.add("EXISTS (SELECT 1 FROM sharing_decision d WHERE d.response_id = r.id AND d.decided_at > ?"
                + " AND d.decided_at <= ?)", utc(since), utc(transactionTime));
        List<Object> parameters = new ArrayList<>(changed.parameters());
        parameters.add(limit);
        parameters.addAll(shared.parameters());
        parameters.add(limit);
        parameters.add(limit);
        return new Page("SELECT id, resource FROM ((" + select(table, changed, -1) + ") UNION ALL ("
                + select(table, shared, -1) + ")) changed ORDER BY id LIMIT ?", parameters);
    }

    /**
     * The catalog questionnaires to export with {@code _since}: the ids of the versions first loaded in
     * ({@code since}, {@code transactionTime}] (a questionnaire changes by a new version being loaded).
     */
    static Page questionnairesLoaded(Instant since, Instant transactionTime) {
        return new Page("SELECT resource_id FROM questionnaire WHERE first_loaded > ? AND first_loaded <= ?",
                List.of(utc(since), utc(transactionTime)));
    }

    private static SqlWhere common(Table table, List<AccessPolicy.ReadGrant> grants, Set<String> unitRefs,
                                   Instant transactionTime, String afterId) {
        SqlWhere where = new SqlWhere();
        if (table.throughResponse()) {
            GrantConditions.restrictTo(where, grants, "r.");
        }
        where.add(table.changedAt() + " <= ?", utc(transactionTime));
        if (unitRefs != null && "u.".equals(table.alias())) {
            // the Group's own organisation rows, by id (the primary key serves)
            List<String> ids = unitRefs.stream().map(u -> u.substring("Organization/".length())).sorted().toList();
            where.add("u.id IN (" + SqlWhere.placeholders(ids.size()) + ")", ids.toArray());
        } else if (unitRefs != null) {
            where.add(("i.".equals(table.alias()) ? "i." : "r.") + "unit_ref IN ("
                    + SqlWhere.placeholders(unitRefs.size()) + ")", unitRefs.stream().sorted().toArray());
        }
        where.add(table.alias() + "id > ?", afterId);
        return where;
    }

    /** The branch's rows in id order; {@code limit} -1: a LIMIT placeholder whose value the caller adds. */
    private static String select(Table table, SqlWhere where, int limit) {
        String columns = limit < 0 ? table.alias() + "id AS id, " + table.alias() + table.resource() + " AS resource"
                : table.columns();
        return "SELECT " + columns + table.from() + where.sql() + " ORDER BY " + table.alias() + "id LIMIT ?";
    }

    private static List<Object> with(List<Object> parameters, int limit) {
        List<Object> all = new ArrayList<>(parameters);
        all.add(limit);
        return all;
    }

    private static Object utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
