package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** One FhirContext for the whole service: it is expensive to build and thread-safe once built. */
@Factory
public class FhirContextFactory {

    @Singleton
    public FhirContext fhirContext() {
        FhirContext context = FhirContext.forR4Cached();
        // An extracted score names the exact response version it was computed from (amendments make new ones).
        context.getParserOptions().setDontStripVersionsFromReferencesAtPaths("Observation.derivedFrom");
        // Every reference we write is a string ("Patient/x", "#cat"): nothing needs HAPI to find Reference.resource
        // objects without an id and contain them. That search walks every element of the resource on every encode,
        // which was the largest single allocation of a $next-question answer (its contained Questionnaire is large).
        // Resources listed in `contained` are still written as before.
        context.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
        return context;
    }
}
