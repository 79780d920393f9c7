package fi.vointi.security;

import fi.vointi.signin.SessionClaims;
import io.micronaut.security.authentication.Authentication;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A page session gives exactly the Caller a bearer token with the same claims gives: for every demo person, the
 * Authentication the session stands for reads as the same Caller as the Authentication Micronaut builds from a JWT
 * (name = sub, roles = the roles claim, attributes = the claims), through the one CallerResolver.
 */
class SessionCallerTest {
    @Test
    void sessionAndBearerTokenGiveTheSameCaller() {
        for (DemoUsers.DemoUser person : DemoUsers.ALL) {
            if (person.claims().containsKey("scope")) {
                continue; // backend clients sign in with client credentials, not on pages
            }
            Map<String, Object> tokenClaims = new LinkedHashMap<>(person.claims());
            tokenClaims.put("sub", person.name());
            tokenClaims.put("name", DemoUsers.displayName(person.name()));
            tokenClaims.put("iss", "urn:vointi:dev-issuer");
            tokenClaims.put("aud", "vointi");
            @SuppressWarnings("unchecked")
            Authentication fromToken = Authentication.build(person.name(), (Collection<String>) tokenClaims.get("roles"), tokenClaims);

            Map<String, Object> kept = SessionClaims.kept(tokenClaims);
            Authentication fromSession = SessionClaims.authentication(person.name(), kept);

            Caller bearer = CallerResolver.fromAuthentication(fromToken);
            Caller session = CallerResolver.fromAuthentication(fromSession);
            assertEquals(bearer, session, person.name());
            assertFalse(session.isAnonymous());
            assertFalse(kept.containsKey("iss") || kept.containsKey("aud"), "only the access-deciding claims and name are kept");
        }
        // launch_patient: the patient an EHR launch opened (SMART launch context, fi.vointi.signin.smart); it picks the
        // page a clinician lands on and never makes the clinician act for that patient (the Callers above are equal)
        assertEquals(List.of("roles", "patient", "guardian_of", "units", "name", "birthdate", "launch_patient"), SessionClaims.KEPT);
    }
}
