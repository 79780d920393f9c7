package fi.vointi.organization;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.TokenParam;
import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import fi.vointi.fhir.SqlWhere;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FHIR search over Organizations and Locations. The SQL is built from fixed fragments; every value the client
 * sent is a bound parameter. Several values in one parameter are alternatives (OR), repeated parameters all apply.
 */
@Singleton
public class OrganizationSearch {
    /** Organization search parameters, with the string modifiers accepted. */
    public static final Set<String> ORGANIZATION_PARAMETERS = Set.of("_id", "name", "name:exact", "name:contains",
            "partof", "type", "active", "_lastUpdated");
    /** Location search parameters, with the string modifiers accepted. */
    public static final Set<String> LOCATION_PARAMETERS = Set.of("_id", "name", "name:exact", "name:contains", "organization",
            "_lastUpdated");
    private static final String[] SORTS = {"name", "-name", "_lastUpdated", "-_lastUpdated"};
    public static final SearchSpec ORGANIZATION_SPEC = SearchSpec.of("Organization", ORGANIZATION_PARAMETERS).sorts(SORTS);
    public static final SearchSpec LOCATION_SPEC = SearchSpec.of("Location", LOCATION_PARAMETERS).sorts(SORTS);

    private final Sql sql;
    private final FhirJson json;
    private final FhirServerConfiguration server;

    public OrganizationSearch(JdbcOperations jdbc, FhirJson json, FhirServerConfiguration server) {
        this.sql = new Sql(jdbc);
        this.json = json;
        this.server = server;
    }

    /** One page of results; {@code total} is null unless the client asked for it with _total. */
    public record Page<T extends Resource>(List<T> resources, boolean hasNext, Integer total) {
    }

    @Transactional(readOnly = true)
    public Page<Organization> organizations(SearchRequest request) {
        Where where = new Where();
        common(where, request);
        allOf(where, request.occurrences("partof"), v -> new Condition("parent_id = ?", referencedId("partof", v)));
        allOf(where, request.occurrences("type"), OrganizationSearch::type);
        for (String value : request.all("active")) {
            if (!value.equals("true") && !value.equals("false")) {
                throw FhirException.badRequest("Parameter 'active' takes true or false, not '" + value + "'");
            }
            where.and(new Condition("active = ?", Boolean.parseBoolean(value)));
        }
        return page("organization_unit", where, request, Organization.class);
    }

    @Transactional(readOnly = true)
    public Page<Location> locations(SearchRequest request) {
        Where where = new Where();
        common(where, request);
        allOf(where, request.occurrences("organization"), v -> new Condition("unit_id = ?", referencedId("organization", v)));
        return page("service_location", where, request, Location.class);
    }

    private void common(Where where, SearchRequest request) {
        allOf(where, request.occurrences("_id"), v -> new Condition("id = ?", v));
        for (String value : request.all("_lastUpdated")) {
            SqlWhere range = new SqlWhere();
            DateRange.parse("_lastUpdated", value, server.getZone()).addTo(range, "last_updated");
            where.and(new Condition(range.joined(" AND "), range.parameters().toArray()));
        }
        for (String modifier : List.of("", ":exact", ":contains")) {
            // a name may contain a comma, so each occurrence is one value; repeated occurrences all apply
            for (String value : request.all("name" + modifier)) {
                String column = modifier.equals(":exact") ? "name_search" : "LOWER(name_search)";
                where.and(new Condition(column + " LIKE ? ESCAPE '\\'", NameSearch.pattern(modifier, value)));
            }
        }
    }

    /** {@code type=code}, {@code type=system|code} or {@code type=|code}; only our level system is searchable. */
    private static Condition type(String value) {
        TokenParam token = new TokenParam();
        token.setValueAsQueryToken(FhirContext.forR4Cached(), "type", null, value);
        String system = token.getSystem();
        String code = token.getValue() == null ? "" : token.getValue();
        if (OrganizationLevel.fromCode(code).isEmpty()) {
            throw FhirException.badRequest("Parameter 'type': '" + code + "' is not a level; use county, area, service or unit");
        }
        if (system != null && !system.isEmpty() && !system.equals(OrganizationLevel.SYSTEM)) {
            return new Condition("1 = 0");
        }
        return new Condition("kind = ?", code);
    }

    private static String referencedId(String parameter, String value) {
        IdType id = new IdType(value);
        if (id.hasResourceType() && !"Organization".equals(id.getResourceType())) {
            throw FhirException.badRequest("Parameter '" + parameter + "' takes an Organization reference, not '" + value + "'");
        }
        return id.getIdPart();
    }

    private <T extends Resource> Page<T> page(String table, Where where, SearchRequest request, Class<T> type) {
        String sort = request.sort("name");
        String column = sort.replace("-", "").equals("name") ? "name" : "last_updated";
        String direction = sort.startsWith("-") ? "DESC" : "ASC";
        int count = request.count();
        List<Object> parameters = new ArrayList<>(where.parameters);
        parameters.add(count + 1);
        parameters.add(request.offset());
        List<T> rows = count == 0 ? List.of() : sql.list("SELECT resource_json FROM " + table + where.sql() + " ORDER BY " + column + " " + direction
                + ", id " + direction + " LIMIT ? OFFSET ?", parameters, rs -> json.parseStored(rs.getString(1), type));
        Integer total = request.totalRequested()
                ? (int) sql.list("SELECT COUNT(*) FROM " + table + where.sql(), where.parameters, rs -> rs.getLong(1)).get(0).longValue()
                : null;
        boolean hasNext = rows.size() > count;
        return new Page<>(hasNext ? rows.subList(0, count) : rows, hasNext, total);
    }

    private static void allOf(Where where, List<List<String>> occurrences,
                              java.util.function.Function<String, Condition> condition) {
        occurrences.forEach(values -> anyOf(where, values, condition));
    }

    private static void anyOf(Where where, List<String> values, java.util.function.Function<String, Condition> condition) {
        if (values.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        for (String value : values) {
            Condition c = condition.apply(value);
            parts.add("(" + c.sql() + ")");
            parameters.addAll(c.parameters());
        }
        where.and(new Condition(String.join(" OR ", parts), parameters.toArray()));
    }

    private record Condition(String sql, List<Object> parameters) {
        Condition(String sql, Object... parameters) {
            this(sql, List.of(parameters));
        }
    }

    /** Conditions joined with AND, and their bound values. */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final List<Object> parameters = new ArrayList<>();

        void and(Condition condition) {
            conditions.add("(" + condition.sql() + ")");
            parameters.addAll(condition.parameters());
        }

        String sql() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }
}
