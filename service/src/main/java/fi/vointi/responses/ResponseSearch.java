package fi.vointi.responses;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import fi.vointi.fhir.SqlWhere;
import fi.vointi.security.AccessPolicy;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.sql.ResultSet;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FHIR search over stored QuestionnaireResponses. The SQL is assembled from fixed fragments only;
 * every value the client sent is a bound parameter.
 */
@Singleton
public class ResponseSearch {
    public static final Set<String> PARAMETERS = Set.of("_id", "subject", "patient", "questionnaire", "status",
            "authored", "identifier", "_lastUpdated");
    public static final String INCLUDE_QUESTIONNAIRE = "QuestionnaireResponse:questionnaire";
    public static final String REVINCLUDE_OBSERVATIONS = "Observation:derived-from";
    public static final SearchSpec SPEC = SearchSpec.of("QuestionnaireResponse", PARAMETERS)
            .sorts("-authored", "authored", "-_lastUpdated", "_lastUpdated")
            .includes(INCLUDE_QUESTIONNAIRE).revIncludes(REVINCLUDE_OBSERVATIONS);
    private static final Set<String> STATUSES = java.util.Arrays.stream(QuestionnaireResponse.QuestionnaireResponseStatus.values())
            .filter(s -> s != QuestionnaireResponse.QuestionnaireResponseStatus.NULL)
            .map(QuestionnaireResponse.QuestionnaireResponseStatus::toCode).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final JdbcOperations jdbc;
    private final FhirJson json;

    public ResponseSearch(JdbcOperations jdbc, FhirJson json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One page of results; {@code total} is null unless the client asked for it with _total. */
    public record Page(List<QuestionnaireResponse> resources, boolean hasNext, Integer total) {
    }

    @Transactional(readOnly = true)
    public Page search(SearchRequest request, ZoneId zone, List<AccessPolicy.ReadGrant> grants) {
        SqlWhere where = new SqlWhere();
        GrantConditions.restrictTo(where, grants, "");
        where.allOf(request.occurrences("_id"), (w, v) -> w.add("id = ?", v));
        where.allOf(request.codes("status", STATUSES), (w, v) -> w.add("status = ?", v));
        where.allOf(request.occurrences("subject"), ResponseSearch::subject);
        where.allOf(request.occurrences("patient"), (w, v) -> {
            IdType id = new IdType(v);
            if (id.hasResourceType() && !"Patient".equals(id.getResourceType())) {
                throw FhirException.badRequest("Parameter 'patient' takes a Patient reference, not '" + v + "'");
            }
            w.add("subject_type = ? AND subject_id = ?", "Patient", id.getIdPart());
        });
        where.allOf(request.occurrences("questionnaire"), (w, v) -> {
            CanonicalRef ref = CanonicalRef.parse(v);
            if (ref.hasVersion()) {
                w.add("questionnaire_url = ? AND questionnaire_version = ?", ref.url(), ref.version());
            } else {
                w.add("questionnaire_url = ?", ref.url());
            }
        });
        where.allOf(request.occurrences("identifier"), (w, v) -> {
            IdentifierQuery q = IdentifierQuery.parseToken(v);
            if (q.system() == null) {
                w.add("identifier_value = ?", q.value());
            } else {
                w.add("identifier_system = ? AND identifier_value = ?", q.system(), q.value());
            }
        });
        for (String value : request.all("authored")) {
            DateRange.parse("authored", value, zone).addTo(where, "authored");
        }
        for (String value : request.all("_lastUpdated")) {
            DateRange.parse("_lastUpdated", value, zone).addTo(where, "last_updated");
        }
        String sort = request.sort("-authored");
        String column = sort.replace("-", "").equals("authored") ? "authored" : "last_updated";
        String direction = sort.startsWith("-") ? "DESC" : "ASC";
        int count = request.count();
        int offset = request.offset();

        String sql = "SELECT resource_json FROM questionnaire_response" + where.sql()
                + " ORDER BY " + column + " " + direction + ", id " + direction + " LIMIT ? OFFSET ?";
        List<Object> pageParameters = new ArrayList<>(where.parameters());
        pageParameters.add(count + 1);
        pageParameters.add(offset);
        List<QuestionnaireResponse> rows = count == 0 ? List.of() : jdbc.prepareStatement(sql, statement -> {
            SqlWhere.bind(statement, pageParameters);
            List<QuestionnaireResponse> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(json.parseStored(rs.getString(1), QuestionnaireResponse.class));
                }
            }
            return found;
        });
        boolean hasNext = rows.size() > count;
        Integer total = null;
        if (request.totalRequested()) {
            total = jdbc.prepareStatement("SELECT COUNT(*) FROM questionnaire_response" + where.sql(), statement -> {
                SqlWhere.bind(statement, where.parameters());
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
        }
        return new Page(hasNext ? rows.subList(0, count) : rows, hasNext, total);
    }

    private static void subject(SqlWhere where, String value) {
        IdType id = new IdType(value);
        if (id.hasResourceType()) {
            where.add("subject_type = ? AND subject_id = ?", id.getResourceType(), id.getIdPart());
        } else {
            where.add("subject_id = ?", id.getIdPart());
        }
    }
}
