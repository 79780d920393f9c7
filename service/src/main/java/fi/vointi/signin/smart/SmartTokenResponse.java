package fi.vointi.signin.smart;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdTokenResponse;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The token response of an OpenID Connect code exchange with SMART's launch context: {@code patient} (the patient
 * open in the EHR, scope {@code launch} or {@code launch/patient}). Micronaut's own response type drops fields it
 * does not know; {@link SmartTokenEndpointClient} reads the answer into this one instead.
 */
@Introspected
@Serdeable
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public class SmartTokenResponse extends OpenIdTokenResponse {
    @Nullable
    private String patient;

    @Nullable
    public String getPatient() {
        return patient;
    }

    public void setPatient(@Nullable String patient) {
        this.patient = patient;
    }
}
