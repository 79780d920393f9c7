package fi.vointi.signin.smart;

import io.micronaut.http.uri.UriBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmartLaunchTest {
    @Test
    void issuerMustMatchExactly() {
        List<String> issuers = List.of("https://ehr.example/fhir", " ");
        assertTrue(SmartLaunch.acceptedIssuer(issuers, "https://ehr.example/fhir"));
        assertFalse(SmartLaunch.acceptedIssuer(issuers, "https://ehr.example/fhir/"));
        assertFalse(SmartLaunch.acceptedIssuer(issuers, "https://ehr.example"));
        assertFalse(SmartLaunch.acceptedIssuer(issuers, "HTTPS://EHR.EXAMPLE/FHIR"));
        assertFalse(SmartLaunch.acceptedIssuer(issuers, ""));
        assertFalse(SmartLaunch.acceptedIssuer(issuers, " "));
        assertFalse(SmartLaunch.acceptedIssuer(issuers, null));
        assertFalse(SmartLaunch.acceptedIssuer(List.of(), "https://ehr.example/fhir"));
    }

    @Test
    void launchValueIsVisibleAsciiOfBoundedLength() {
        assertTrue(SmartLaunch.wellFormedLaunch("xyz-123_ABC.~"));
        assertFalse(SmartLaunch.wellFormedLaunch(""));
        assertFalse(SmartLaunch.wellFormedLaunch(null));
        assertFalse(SmartLaunch.wellFormedLaunch("a b"));
        assertFalse(SmartLaunch.wellFormedLaunch("ä"));
        assertFalse(SmartLaunch.wellFormedLaunch("a".repeat(513)));
    }

    @Test
    void authorizationRequestBecomesALaunchKeepingStateNonceAndPkce() {
        String original = "http://idp.example/authorize?response_type=code&client_id=vointi&scope=openid&state=s1&nonce=n1"
                + "&code_challenge=c1&code_challenge_method=S256&redirect_uri=http%3A%2F%2Flocalhost%2Foauth%2Fcallback%2Fvointi";
        var query = UriBuilder.of(URI.create(SmartLaunch.launchRequest(original, "L-1", "https://ehr.example/fhir"))).build();
        String q = query.getRawQuery();
        assertTrue(q.contains("scope=launch+openid+fhirUser") || q.contains("scope=launch%20openid%20fhirUser"), q);
        assertTrue(q.contains("launch=L-1"), q);
        assertTrue(q.contains("aud=https%3A%2F%2Fehr.example%2Ffhir"), q);
        for (String kept : List.of("state=s1", "nonce=n1", "code_challenge=c1", "code_challenge_method=S256", "client_id=vointi")) {
            assertTrue(q.contains(kept), kept + " in " + q);
        }
        assertEquals(1, q.split("scope=", -1).length - 1, "one scope");
    }

    @Test
    void launchPatientMustBeAFhirId() {
        assertEquals("demo-eero", SmartLaunch.patientId("demo-eero"));
        assertNull(SmartLaunch.patientId("../admin"));
        assertNull(SmartLaunch.patientId("a/b"));
        assertNull(SmartLaunch.patientId(null));
    }
}
