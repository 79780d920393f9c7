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
 * The SQL of one keyset page of an export: rows of one type after the last id written, in id order. Visibility is
 * the search's own ({@link GrantConditions} of the caller's {@link AccessPolicy.ReadGrant}s, an Observation seen through
 * the response it was derived from), so an export can never hold what a search would not return. Pure logic.
 *
 * <p>A row belongs to the export when it was last changed at or before the job's transaction time and, with
 * {@code _since}, after it; a response whose sharing was decided after {@code _since} counts as changed (sharing does
 * not touch last_updated, yet it is what makes a response newly visible to an EHR).
 */
final class ExportQuery {
    private ExportQuery() {
    }

    record Page(String sql, List<Object> parameters) {
    }

    /**
     * @param unitRefs the Group's units as {@code Organization/x} references; null for a system-level export
     */
    static Page page(String type, List<AccessPolicy.ReadGrant> grants, Set<String> unitRefs, Instant since,
                     Instant transactionTime, String afterId, int limit) {
        boolean observation = switch (type) {
            case "QuestionnaireResponse" -> false;
            case "Observation" -> true;
            default -> throw new IllegalArgumentException("Not an exported type: " + type);
        };
        String row = observation ? "o." : "r.";
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "r.");
        where.add(row + "last_updated <= ?", utc(transactionTime));
        if (since != null) {
            where.add(row + "last_updated > ? OR EXISTS (SELECT 1 FROM sharing_decision d WHERE d.response_id = r.id"
                    + " AND d.decided_at > ? AND d.decided_at <= ?)", utc(since), utc(since), utc(transactionTime));
        }
        if (unitRefs != null) {
            where.add("r.unit_ref IN (" + SqlWhere.placeholders(unitRefs.size()) + ")",
                    unitRefs.stream().sorted().toArray());
        }
        where.add(row + "id > ?", afterId);
        String from = observation
                ? " FROM observation o JOIN questionnaire_response r ON r.id = o.response_id"
                : " FROM questionnaire_response r";
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(limit);
        return new Page("SELECT " + row + "id, " + row + "resource_json" + from + where.sql()
                + " ORDER BY " + row + "id LIMIT ?", parameters);
    }

    private static Object utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
