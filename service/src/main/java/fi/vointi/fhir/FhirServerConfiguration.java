package fi.vointi.fhir;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.ZoneId;

/** {@code vointi.fhir.*}: public base URL of the FHIR API and the zone for date-only search values. */
@ConfigurationProperties("vointi.fhir")
public class FhirServerConfiguration {
    @Nullable
    private String baseUrl;
    private ZoneId zone = ZoneId.of("Europe/Helsinki");

    @Nullable
    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public ZoneId getZone() {
        return zone;
    }

    public void setZone(ZoneId zone) {
        this.zone = zone;
    }
}
