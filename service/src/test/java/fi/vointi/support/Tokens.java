package fi.vointi.support;

import fi.vointi.security.DevTokenIssuer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Real signed tokens from the dev issuer, with the claims a county identity provider would send. */
public final class Tokens {
    private final DevTokenIssuer issuer;

    public Tokens(DevTokenIssuer issuer) {
        this.issuer = issuer;
    }

    public String patient(String patientId) {
        return issue("patient-" + patientId, Map.of("roles", List.of("patient"), "patient", patientId));
    }

    public String guardian(String... childPatientIds) {
        return issue("guardian-" + String.join("-", childPatientIds),
                Map.of("roles", List.of("guardian"), "guardian_of", List.of(childPatientIds)));
    }

    public String clinician(String... unitIds) {
        return issue("clinician-" + String.join("-", unitIds), Map.of("roles", List.of("clinician"), "units", List.of(unitIds)));
    }

    public String unitManager(String... unitIds) {
        return issue("manager-" + String.join("-", unitIds), Map.of("roles", List.of("unit-manager"), "units", List.of(unitIds)));
    }

    public String admin() {
        return issue("admin", Map.of("roles", List.of("admin")));
    }

    /** A backend client with SMART system scopes, e.g. {@code "system/QuestionnaireResponse.crus"}. */
    public String system(String clientId, String scopes) {
        return issue(clientId, Map.of("roles", List.of("system"), "azp", clientId, "scope", scopes));
    }

    public String issue(String subject, Map<String, Object> claims) {
        return issuer.issue(subject, claims, Duration.ofMinutes(10));
    }

    public DevTokenIssuer issuer() {
        return issuer;
    }
}
