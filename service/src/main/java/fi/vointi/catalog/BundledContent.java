package fi.vointi.catalog;

import ca.uhn.fhir.parser.DataFormatException;
import fi.vointi.fhir.FhirContexts;
import fi.vointi.fhir.FhirJson;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The content shipped in the jar ({@code fhir-profiles/}, {@code questionnaires/}), parsed. Parsing it (and HAPI's
 * scan of the R4 model that the first parse triggers) was most of the catalog's share of a restart, and it needs
 * neither configuration nor the database: {@link #parseAhead()}, called first thing in {@code Application.main},
 * does it on its own thread while the application context starts on the other core. The catalog takes the result,
 * or parses on its own thread when nothing was started ahead (tests, a second context in the same JVM).
 */
public final class BundledContent {
    private static CompletableFuture<BundledContent> ahead;

    final List<ParsedFile> conformance;
    final List<ParsedFile> questionnaires;

    private BundledContent(List<ParsedFile> conformance, List<ParsedFile> questionnaires) {
        this.conformance = conformance;
        this.questionnaires = questionnaires;
    }

    /** Starts reading and parsing the bundled content on a background thread. */
    public static synchronized void parseAhead() {
        if (ahead == null) {
            ahead = CompletableFuture.supplyAsync(BundledContent::read, runnable -> {
                Thread thread = new Thread(runnable, "bundled-content");
                thread.setDaemon(true);
                thread.start();
            });
        }
    }

    /**
     * The parsed content: the result parsed ahead for this context, taken once, or parsed now. A file that does
     * not parse stops start-up with the same {@link CatalogLoadException} either way.
     */
    static BundledContent take(FhirJson json) {
        CompletableFuture<BundledContent> started;
        synchronized (BundledContent.class) {
            started = ahead;
            ahead = null;
        }
        if (started == null || json.context() != FhirContexts.r4()) {
            return read(json);
        }
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static BundledContent read() {
        return read(new FhirJson(FhirContexts.r4()));
    }

    private static BundledContent read(FhirJson json) {
        ClassLoader loader = BundledContent.class.getClassLoader();
        return new BundledContent(
                ContentFiles.fromClasspath("fhir-profiles", loader).stream().map(f -> parse(json, f)).toList(),
                ContentFiles.fromClasspath("questionnaires", loader).stream().map(f -> parse(json, f)).toList());
    }

    static ParsedFile parse(FhirJson json, ContentFile file) {
        try {
            IBaseResource resource = json.strictParser().parseResource(file.json());
            // a Questionnaire's canonical encoding keys its validation and archive entry: made here, off the main thread
            String encoded = resource instanceof Questionnaire ? json.encode(resource) : null;
            return new ParsedFile(file.source(), file.json(), resource, encoded);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new CatalogLoadException(file.source() + ": not a valid FHIR JSON resource: " + e.getMessage());
        }
    }

    /**
     * A content file, its text as read, the resource parsed from it and, for a Questionnaire, its canonical
     * encoding ({@link FhirJson#encode}).
     */
    record ParsedFile(String source, String text, IBaseResource resource, String encoded) {
    }
}
