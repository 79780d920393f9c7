package fi.vointi.signin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.oauth2.endpoint.authorization.state.State;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdAuthenticationMapper;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdClaims;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdTokenResponse;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import fi.vointi.signin.smart.SmartLaunch;
import fi.vointi.signin.smart.SmartTokenResponse;

import java.util.Map;

/**
 * Turns the validated ID token of the identity provider (signature, issuer, audience, expiry, nonce checked by
 * Micronaut's OIDC client and our claim rules) into the Authentication of the page session: the subject and the
 * access-deciding claims only ({@link SessionClaims#KEPT}). The tokens themselves are not kept.
 */
@Singleton
@Named(SignInController.PROVIDER)
public class SignInClaimsMapper implements OpenIdAuthenticationMapper {
    @Override
    public Publisher<AuthenticationResponse> createAuthenticationResponse(String providerName, OpenIdTokenResponse tokenResponse,
                                                                          OpenIdClaims openIdClaims, @Nullable State state) {
        String subject = openIdClaims.getSubject();
        if (subject == null || subject.isBlank()) {
            return Mono.just(AuthenticationResponse.failure("The ID token names nobody"));
        }
        Map<String, Object> kept = new java.util.LinkedHashMap<>(SessionClaims.kept(openIdClaims.getClaims()));
        // the launch patient comes only from the token response of an EHR launch (SMART launch/patient context)
        kept.remove(SmartLaunch.PATIENT_CLAIM);
        if (tokenResponse instanceof SmartTokenResponse smart && SmartLaunch.patientId(smart.getPatient()) != null) {
            kept.put(SmartLaunch.PATIENT_CLAIM, smart.getPatient());
        }
        return Mono.just(AuthenticationResponse.success(subject, SessionClaims.authentication(subject, kept).getRoles(), kept));
    }
}
