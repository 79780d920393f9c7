package fi.vointi.signin.smart;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.uri.UriBuilder;

import java.net.URI;
import java.util.Collection;

/**
 * The rules of a SMART App Launch v2 <em>EHR launch</em> (pure logic): which {@code iss} we accept, what a
 * {@code launch} value may look like, and how the OpenID Connect authorization request of the staff sign-in becomes a
 * launch request ({@code launch} passed through, {@code aud} = the EHR's {@code iss}, scope {@value #SCOPE}).
 */
public final class SmartLaunch {
    /** The scopes of an EHR launch: the launch context, the person (ID token) and who they are in the EHR. */
    public static final String SCOPE = "launch openid fhirUser";
    /** The session claim holding the patient of the launch context (SMART {@code launch/patient}). */
    public static final String PATIENT_CLAIM = "launch_patient";
    /** Where the browser goes after a launch's sign-in: on to the launch patient's page. */
    public static final String LANDING = "/staff/launched";
    /** The {@code iss} of the dev-mode EHR ({@code /dev/ehr}); accepted only while the dev issuer is on. */
    public static final String DEV_EHR_ISSUER = "urn:vointi:dev-ehr";
    private static final int MAX_LAUNCH_LENGTH = 512;

    private SmartLaunch() {
    }

    /** Whether {@code iss} is exactly one of the configured EHR issuers (no prefix or case games). */
    public static boolean acceptedIssuer(Collection<String> issuers, @Nullable String iss) {
        return iss != null && !iss.isBlank() && issuers.stream().anyMatch(i -> i != null && !i.isBlank() && i.trim().equals(iss));
    }

    /** An opaque launch value from the EHR: 1–512 visible ASCII characters (it travels in a URL). */
    public static boolean wellFormedLaunch(@Nullable String launch) {
        return launch != null && !launch.isEmpty() && launch.length() <= MAX_LAUNCH_LENGTH
                && launch.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /**
     * The authorization request of the sign-in client (with its state, nonce and PKCE challenge untouched) turned into
     * an EHR launch: scope {@value #SCOPE}, {@code launch} and {@code aud}.
     */
    public static String launchRequest(String authorizationUrl, String launch, String iss) {
        return UriBuilder.of(URI.create(authorizationUrl))
                .replaceQueryParam("scope", SCOPE)
                .replaceQueryParam("launch", launch)
                .replaceQueryParam("aud", iss)
                .toString();
    }

    /** A patient id of the token response's launch context that may go into a path; null otherwise. */
    @Nullable
    public static String patientId(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        String id = value.toString();
        // FHIR id syntax: [A-Za-z0-9\-\.]{1,64}
        return id.matches("[A-Za-z0-9\\-.]{1,64}") ? id : null;
    }
}
