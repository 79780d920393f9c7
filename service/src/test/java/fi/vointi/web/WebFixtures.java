package fi.vointi.web;


import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/** Units for the page tests, written straight into the organisation tables (the Organization API has its own tests). */
public final class WebFixtures {
    public static final String NAME_FI = "Testilän terveysasema";
    public static final String NAME_SV = "Testby hälsostation";
    public static final String NAME_EN = "Testby health centre";

    private WebFixtures() {
    }

    /** A service and a feedback-enabled unit under it whose name has sv and en translations; returns the unit id. */
    public static String unit(DataSource dataSource) {
        String unit = "web-" + UUID.randomUUID().toString().substring(0, 8);
        String service = "svc-" + unit;
        insert(dataSource, service, null, "service", "Palvelu " + service, "{\"resourceType\":\"Organization\"}");
        insert(dataSource, unit, service, "unit", NAME_FI, "{\"resourceType\":\"Organization\",\"id\":\"" + unit
                + "\",\"name\":\"" + NAME_FI + "\",\"_name\":{\"extension\":["
                + translation("sv", NAME_SV) + "," + translation("en", NAME_EN) + "]}}");
        update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, 0)", service, service);
        update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, 0)", unit, unit);
        update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, 1)", service, unit);
        return unit;
    }

    private static String translation(String lang, String text) {
        return "{\"url\":\"http://hl7.org/fhir/StructureDefinition/translation\",\"extension\":[{\"url\":\"lang\",\"valueCode\":\""
                + lang + "\"},{\"url\":\"content\",\"valueString\":\"" + text + "\"}]}";
    }

    private static void insert(DataSource dataSource, String id, String parent, String kind, String name, String json) {
        update(dataSource, "INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id,"
                + " last_updated, resource_json) VALUES (?, ?, ?, ?, TRUE, TRUE, 1, ?, ?)", id, parent, kind, name,
                Timestamp.from(Instant.now()), json);
    }

    static void update(DataSource dataSource, String sql, Object... parameters) {
        fi.vointi.support.Db.update(dataSource, sql, parameters);
    }
}
