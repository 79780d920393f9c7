package fi.vointi.responses;

import fi.vointi.fhir.SqlWhere;
import fi.vointi.security.AccessPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL form of {@link AccessPolicy.ReadGrant}s over the questionnaire_response table, so that searches
 * (of responses, and of what is derived from them) return exactly what single reads would allow.
 */
public final class GrantConditions {
    private GrantConditions() {
    }

    /**
     * Restricts {@code where} to rows one of the grants allows.
     *
     * @param alias the questionnaire_response table's alias in the query, e.g. "r." or "" for none
     */
    public static void restrictTo(SqlWhere where, List<AccessPolicy.ReadGrant> grants, String alias) {
        if (grants.isEmpty()) {
            where.add("1 = 0");
            return;
        }
        SqlWhere alternatives = new SqlWhere();
        for (AccessPolicy.ReadGrant grant : grants) {
            List<String> parts = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            if (grant.patientIds() != null) {
                parts.add(alias + "subject_type = 'Patient' AND " + alias + "subject_id IN ("
                        + SqlWhere.placeholders(grant.patientIds().size()) + ")");
                values.addAll(grant.patientIds().stream().sorted().toList());
            }
            if (grant.unitRefs() != null) {
                parts.add(alias + "unit_ref IN (" + SqlWhere.placeholders(grant.unitRefs().size()) + ")");
                values.addAll(grant.unitRefs().stream().sorted().toList());
            }
            if (grant.sharedOnly()) {
                parts.add(alias + "shared = TRUE");
            }
            if (grant.subjectlessOnly()) {
                parts.add(alias + "subject_id IS NULL");
            }
            if (grant.openToGuardiansOnly()) {
                parts.add(alias + "closed_to_guardians = FALSE");
            }
            alternatives.add(parts.isEmpty() ? "1 = 1" : String.join(" AND ", parts), values.toArray());
        }
        where.add(alternatives.joined(" OR "), alternatives.parameters().toArray());
    }
}
