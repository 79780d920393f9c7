package fi.vointi.feedback;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.web.Languages;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Organization;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The few facts about a unit that feedback needs, read straight from the organisation tables (V4). Kept
 * package-private and small: the organisation API itself lives in {@code fi.vointi.organization}.
 */
@Singleton
class FeedbackUnits {
    /**
     * @param serviceId the nearest ancestor of kind {@code service} (the unit itself if it is one), or null
     */
    record Unit(String id, String name, boolean active, boolean feedbackEnabled, @Nullable String serviceId,
                Map<String, String> translatedNames) {
        Unit(String id, String name, boolean active, boolean feedbackEnabled, @Nullable String serviceId) {
            this(id, name, active, feedbackEnabled, serviceId, Map.of());
        }

        boolean acceptsFeedback() {
            return active && feedbackEnabled;
        }

        /** The name in {@code lang} where the Organization has a translation, else the (Finnish) name. */
        String name(String lang) {
            return translatedNames.getOrDefault(lang, name);
        }

        /** The language the name is actually in on a page of {@code lang}. */
        String nameLang(String lang) {
            return translatedNames.containsKey(lang) ? lang : "fi";
        }
    }

    private final JdbcOperations jdbc;
    private final FhirContext fhir;

    FeedbackUnits(JdbcOperations jdbc, FhirContext fhir) {
        this.jdbc = jdbc;
        this.fhir = fhir;
    }

    /** The translations of the Organization's name (standard translation extension), by language. */
    private Map<String, String> translations(@Nullable String resourceJson) {
        if (resourceJson == null || resourceJson.isBlank()) {
            return Map.of();
        }
        Organization organization = fhir.newJsonParser().parseResource(Organization.class, resourceJson);
        Map<String, String> names = new HashMap<>();
        for (String lang : Languages.SUPPORTED) {
            if (!"fi".equals(lang) && Languages.languageOf(organization.getNameElement(), lang).equals(lang)) {
                names.put(lang, Languages.text(organization.getNameElement(), lang));
            }
        }
        return names;
    }

    @Transactional(readOnly = true)
    Optional<Unit> find(String unitId) {
        if (unitId == null || unitId.isBlank() || unitId.length() > 64) {
            return Optional.empty();
        }
        return jdbc.prepareStatement("SELECT u.id, u.name, u.active, u.feedback_enabled,"
                + " (SELECT s.id FROM organization_closure c JOIN organization_unit s ON s.id = c.ancestor_id"
                + "   WHERE c.descendant_id = u.id AND s.kind = 'service' ORDER BY c.depth LIMIT 1) AS service_id,"
                + " u.resource_json FROM organization_unit u WHERE u.id = ?", statement -> {
            statement.setString(1, unitId);
            try (var rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Unit(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                        rs.getString(5), translations(rs.getString(6))));
            }
        });
    }
}
