package fi.vointi.observations;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.TokenParam;
import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import fi.vointi.fhir.SqlWhere;
import fi.vointi.responses.GrantConditions;
import fi.vointi.security.AccessPolicy;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;

import java.sql.ResultSet;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FHIR search over extracted Observations. Who sees an Observation follows from the response it was derived
 * from (the same grants as a response search); SQL from fixed fragments, client values only as parameters.
 */
@Singleton
public class ObservationSearch {
    public static final Set<String> PARAMETERS = Set.of("_id", "subject", "patient", "code", "date", "derived-from",
            "status", "_lastUpdated");
    public static final SearchSpec SPEC = SearchSpec.of("Observation", PARAMETERS)
            .sorts("-date", "date", "-_lastUpdated", "_lastUpdated");
    /** Every Observation.status code of FHIR R4 (only final, amended and entered-in-error occur here). */
    private static final Set<String> STATUSES = java.util.Arrays.stream(Observation.ObservationStatus.values())
            .filter(s -> s != Observation.ObservationStatus.NULL).map(Observation.ObservationStatus::toCode)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final JdbcOperations jdbc;
    private final FhirJson json;

    ObservationSearch(JdbcOperations jdbc, FhirJson json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record Page(List<Observation> resources, boolean hasNext, Integer total) {
    }

    @Transactional(readOnly = true)
    public Page search(SearchRequest request, ZoneId zone, List<AccessPolicy.ReadGrant> grants) {
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "r.");
        where.allOf(request.occurrences("_id"), (w, v) -> w.add("o.id = ?", v));
        where.allOf(request.codes("status", STATUSES), (w, v) -> w.add("o.status = ?", v));
        where.allOf(request.occurrences("subject"), (w, v) -> {
            IdType id = new IdType(v);
            if (id.hasResourceType()) {
                w.add("o.subject_type = ? AND o.subject_id = ?", id.getResourceType(), id.getIdPart());
            } else {
                w.add("o.subject_id = ?", id.getIdPart());
            }
        });
        where.allOf(request.occurrences("patient"), (w, v) -> {
            IdType id = new IdType(v);
            if (id.hasResourceType() && !"Patient".equals(id.getResourceType())) {
                throw FhirException.badRequest("Parameter 'patient' takes a Patient reference, not '" + v + "'");
            }
            w.add("o.subject_type = 'Patient' AND o.subject_id = ?", id.getIdPart());
        });
        where.allOf(request.occurrences("code"), ObservationSearch::code);
        where.allOf(request.occurrences("derived-from"), (w, v) -> {
            IdType id = new IdType(v);
            if (id.hasResourceType() && !"QuestionnaireResponse".equals(id.getResourceType())) {
                throw FhirException.badRequest("Parameter 'derived-from' takes a QuestionnaireResponse reference such as"
                        + " QuestionnaireResponse/123, not '" + v + "'");
            }
            if (id.hasVersionIdPart()) {
                w.add("o.response_id = ? AND o.response_version = ?", id.getIdPart(), versionOf(id));
            } else {
                w.add("o.response_id = ?", id.getIdPart());
            }
        });
        for (String value : request.all("date")) {
            DateRange.parse("date", value, zone).addTo(where, "o.effective");
        }
        for (String value : request.all("_lastUpdated")) {
            DateRange.parse("_lastUpdated", value, zone).addTo(where, "o.last_updated");
        }
        String sort = request.sort("-date");
        String column = sort.replace("-", "").equals("date") ? "o.effective" : "o.last_updated";
        String direction = sort.startsWith("-") ? "DESC" : "ASC";
        int count = request.count();
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(count + 1);
        parameters.add(request.offset());
        List<Observation> rows = count == 0 ? List.of() : resources(where.sql() + " ORDER BY " + column + " " + direction + ", o.id " + direction
                + " LIMIT ? OFFSET ?", parameters);
        boolean hasNext = rows.size() > count;
        Integer total = null;
        if (request.totalRequested()) {
            total = jdbc.prepareStatement("SELECT COUNT(*)" + ObservationStore.JOINED + where.sql(), statement -> {
                SqlWhere.bind(statement, where.parameters());
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
        }
        return new Page(hasNext ? rows.subList(0, count) : rows, hasNext, total);
    }

    /**
     * One patient's current final or amended Observations of one score answered by one kind of reporter (self or
     * proxy: never mixed), oldest first, as far as the grants allow (the change-over-time series).
     */
    @Transactional(readOnly = true)
    public List<Observation> seriesOf(String patientId, String system, String code, Reporter reporter,
                                      List<AccessPolicy.ReadGrant> grants) {
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "r.");
        where.add("o.subject_type = 'Patient' AND o.subject_id = ?", patientId);
        where.add("o.code_system = ? AND o.code = ?", system, code);
        where.add("o.reporter = ?", reporter.code());
        where.add("o.status IN ('final', 'amended')");
        return resources(where.sql() + " ORDER BY o.effective, o.id", where.parameters());
    }

    /** A score a patient has: its code, the reporter (self or proxy) and the questionnaire it comes from. */
    public record ScoreKey(String system, String code, Reporter reporter, String questionnaireUrl) {
    }

    /** The scores (code and reporter) of one patient's current final or amended Observations the grants allow. */
    @Transactional(readOnly = true)
    public List<ScoreKey> scoresOf(String patientId, List<AccessPolicy.ReadGrant> grants) {
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "r.");
        where.add("o.subject_type = 'Patient' AND o.subject_id = ?", patientId);
        where.add("o.status IN ('final', 'amended')");
        return jdbc.prepareStatement("SELECT DISTINCT o.code_system, o.code, o.reporter, r.questionnaire_url"
                + ObservationStore.JOINED + where.sql() + " ORDER BY r.questionnaire_url, o.reporter, o.code", statement -> {
            SqlWhere.bind(statement, where.parameters());
            List<ScoreKey> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(new ScoreKey(rs.getString(1), rs.getString(2),
                            Reporter.fromCode(rs.getString(3)).orElse(Reporter.SELF), rs.getString(4)));
                }
            }
            return found;
        });
    }

    /** The current Observations derived from one response, as far as the grants allow. */
    @Transactional(readOnly = true)
    public List<Observation> ofResponse(String responseId, List<AccessPolicy.ReadGrant> grants) {
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "r.");
        where.add("o.response_id = ?", responseId);
        return resources(where.sql() + " ORDER BY o.score_key", where.parameters());
    }

    /** The current Observations derived from these responses, as far as the grants allow (_revinclude). */
    @Transactional(readOnly = true)
    public List<Observation> ofResponses(List<String> responseIds, List<AccessPolicy.ReadGrant> grants) {
        if (responseIds.isEmpty()) {
            return List.of();
        }
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "r.");
        where.add("o.response_id IN (" + SqlWhere.placeholders(responseIds.size()) + ")", responseIds.toArray());
        return resources(where.sql() + " ORDER BY o.response_id, o.score_key", where.parameters());
    }

    /** The Observations of the joined query with these conditions and ordering. */
    private List<Observation> resources(String conditionsAndOrder, List<Object> parameters) {
        return jdbc.prepareStatement("SELECT o.resource" + ObservationStore.JOINED + conditionsAndOrder, statement -> {
            SqlWhere.bind(statement, parameters);
            List<Observation> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(json.parseStored(PackedObservationJson.unpack(rs.getBytes(1)), Observation.class));
                }
            }
            return found;
        });
    }

    /** token (HAPI's {@link TokenParam}): code, system|code, system| or |code (no system). */
    private static void code(SqlWhere where, String value) {
        TokenParam token = new TokenParam();
        token.setValueAsQueryToken(FhirContext.forR4Cached(), "code", null, value);
        String system = token.getSystem();
        String code = token.getValue();
        if (system == null) {
            where.add("o.code = ?", code);
        } else if (system.isEmpty()) {
            where.add("1 = 0"); // every score code has a system
        } else if (code == null || code.isEmpty()) {
            where.add("o.code_system = ?", system);
        } else {
            where.add("o.code_system = ? AND o.code = ?", system, code);
        }
    }

    private static int versionOf(IdType id) {
        try {
            return Integer.parseInt(id.getVersionIdPart());
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("'" + id.getValue() + "' has a version that is not a number");
        }
    }
}
