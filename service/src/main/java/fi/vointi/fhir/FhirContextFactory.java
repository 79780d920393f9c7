package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** One FhirContext for the whole service: it is expensive to build and thread-safe once built. */
@Factory
public class FhirContextFactory {

    @Singleton
    public FhirContext fhirContext() {
        return FhirContexts.r4();
    }
}
