package fi.vointi.audit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuditPathTest {
    @Test
    void linkTokensInPathsReachNeitherTheTrailNorTheLog() {
        assertEquals("/p/{token}", AuditFilter.auditPath("/p/AbCdEfGhIjKlMnOpQrStUv"));
        assertEquals("/invitation/{token}/QuestionnaireResponse", AuditFilter.auditPath("/invitation/abc/QuestionnaireResponse"));
        assertEquals("/feedback/u1/answer", AuditFilter.auditPath("/feedback/u1/answer"));
        assertEquals("/fhir/Patient/p1/$everything", AuditFilter.auditPath("/fhir/Patient/p1/$everything"));
    }
}
