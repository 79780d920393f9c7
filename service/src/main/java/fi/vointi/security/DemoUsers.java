package fi.vointi.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The documented demo identities of dev mode (README, "Security"). Patient and unit ids match the demo
 * content; none of them is a real person.
 */
public final class DemoUsers {
    private DemoUsers() {
    }

    public record DemoUser(String name, String description, Map<String, Object> claims) {
    }

    public static final String UNIT_CHILD_PSYCHIATRY = "demo-unit-child-psychiatry";
    public static final String UNIT_PAIN_CLINIC = "demo-unit-pain-clinic";
    public static final String UNIT_HEALTH_CENTRE = "demo-unit-health-centre";

    public static final List<DemoUser> ALL = List.of(
            new DemoUser("demo-patient-aino", "patient Aino (Patient/demo-aino)",
                    Map.of("roles", List.of("patient"), "patient", "demo-aino")),
            new DemoUser("demo-patient-eero", "patient Eero (Patient/demo-eero)",
                    Map.of("roles", List.of("patient"), "patient", "demo-eero")),
            new DemoUser("demo-guardian-liisa", "guardian of Onni (Patient/demo-onni, 9 years)",
                    Map.of("roles", List.of("guardian"), "guardian_of", List.of("demo-onni"))),
            new DemoUser("demo-patient-venla", "patient Venla, 15 years (Patient/demo-venla): her own answers are closed to"
                    + " her guardian", Map.of("roles", List.of("patient"), "patient", "demo-venla", "birthdate", "2011-03-14")),
            new DemoUser("demo-guardian-jukka", "guardian of Venla (Patient/demo-venla, 15 years)",
                    Map.of("roles", List.of("guardian"), "guardian_of", List.of("demo-venla"))),
            new DemoUser("demo-clinician-maija", "clinician, child psychiatry unit",
                    Map.of("roles", List.of("clinician"), "units", List.of(UNIT_CHILD_PSYCHIATRY))),
            new DemoUser("demo-clinician-pekka", "clinician, pain clinic",
                    Map.of("roles", List.of("clinician"), "units", List.of(UNIT_PAIN_CLINIC))),
            new DemoUser("demo-manager-sari", "unit manager, health centre and child psychiatry",
                    Map.of("roles", List.of("unit-manager"), "units", List.of(UNIT_HEALTH_CENTRE, UNIT_CHILD_PSYCHIATRY))),
            new DemoUser("demo-admin", "administrator (content, organisation, audit, GDPR requests)",
                    Map.of("roles", List.of("admin"))),
            new DemoUser("demo-ehr", "EHR backend client (client credentials)",
                    Map.of("roles", List.of("system"), "azp", "demo-ehr",
                            "scope", "system/QuestionnaireResponse.crus system/Questionnaire.rs system/Task.crs system/CarePlan.crus system/Encounter.c")),
            new DemoUser("demo-warehouse", "data-warehouse backend client, read only",
                    Map.of("roles", List.of("system"), "azp", "demo-warehouse",
                            "scope", "system/QuestionnaireResponse.rs")));

    private static final Map<String, String> DISPLAY_NAMES = Map.of(
            "demo-patient-aino", "Aino Demo", "demo-patient-eero", "Eero Demo", "demo-guardian-liisa", "Liisa Demo",
            "demo-patient-venla", "Venla Demo", "demo-guardian-jukka", "Jukka Demo",
            "demo-clinician-maija", "Maija Demo", "demo-clinician-pekka", "Pekka Demo", "demo-manager-sari", "Sari Demo",
            "demo-admin", "Admin Demo");

    /** The demo person's name (the dev provider's {@code name} claim); the user name itself for others. */
    public static String displayName(String name) {
        return DISPLAY_NAMES.getOrDefault(name, name);
    }

    public static Optional<DemoUser> byName(String name) {
        return ALL.stream().filter(u -> u.name().equals(name)).findFirst();
    }
}
