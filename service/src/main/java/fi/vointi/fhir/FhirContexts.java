package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;

/**
 * The service's one R4 {@link FhirContext} with its parser options, reachable before the application context
 * exists (the bundled content is parsed ahead of it, {@code fi.vointi.catalog.BundledContent}). The bean
 * ({@link FhirContextFactory}) is this same object.
 */
public final class FhirContexts {
    private static FhirContext r4;

    private FhirContexts() {
    }

    public static synchronized FhirContext r4() {
        if (r4 == null) {
            FhirContext context = FhirContext.forR4Cached();
            // An extracted score names the exact response version it was computed from (amendments make new ones).
            context.getParserOptions().setDontStripVersionsFromReferencesAtPaths("Observation.derivedFrom");
            // Every reference we write is a string ("Patient/x", "#cat"): nothing needs HAPI to find Reference.resource
            // objects without an id and contain them. That search walks every element of the resource on every encode,
            // which was the largest single allocation of a $next-question answer (its contained Questionnaire is large).
            // Resources listed in `contained` are still written as before.
            context.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
            r4 = context;
        }
        return r4;
    }
}
