package fi.vointi.catalog;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StringType;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** FHIR read and search of the questionnaire catalog: {@code /fhir/Questionnaire}. */
@Controller("/fhir/Questionnaire")
@io.micronaut.security.annotation.Secured(io.micronaut.security.rules.SecurityRule.IS_ANONYMOUS) // public: no health data
public class QuestionnaireController {
    static final Set<String> SEARCH_PARAMETERS = Set.of("_id", "url", "version", "status", "name", "name:exact",
            "name:contains", "title", "title:exact", "title:contains");
    /** Catalog order; no _sort. */
    static final SearchSpec SPEC = SearchSpec.of("Questionnaire", SEARCH_PARAMETERS);
    private static final Set<String> STATUSES = java.util.Arrays.stream(Enumerations.PublicationStatus.values())
            .filter(s -> s != Enumerations.PublicationStatus.NULL).map(Enumerations.PublicationStatus::toCode)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final QuestionnaireCatalog catalog;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;

    public QuestionnaireController(QuestionnaireCatalog catalog, FhirResponses responses, FhirServerConfiguration server) {
        this.catalog = catalog;
        this.responses = responses;
        this.server = server;
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        Questionnaire questionnaire = catalog.byId(id)
                .orElseThrow(() -> FhirException.notFound("Questionnaire/" + id + " is not known"));
        return responses.ok(questionnaire, request);
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        SearchRequest search = SearchRequest.of(request.getParameters(), SPEC);
        Predicate<Questionnaire> filter = q -> true;
        filter = filter.and(allOf(search.occurrences("_id"), (q, v) -> q.getIdElement().getIdPart().equals(v)));
        filter = filter.and(allOf(search.occurrences("url"), (q, v) -> q.getUrl().equals(v)));
        filter = filter.and(allOf(search.occurrences("version"), (q, v) -> q.getVersion().equals(v)));
        filter = filter.and(allOf(search.codes("status", STATUSES), (q, v) -> q.getStatus().toCode().equals(v)));
        for (String modifier : List.of("", ":exact", ":contains")) {
            filter = filter.and(allOf(search.occurrences("name" + modifier),
                    (q, v) -> StringMatch.of(modifier).matches(Stream.of(q.getName()), v)));
            filter = filter.and(allOf(search.occurrences("title" + modifier),
                    (q, v) -> StringMatch.of(modifier).matches(titles(q), v)));
        }
        List<Questionnaire> matches = catalog.all().stream().filter(filter).toList();
        int from = Math.min(search.offset(), matches.size());
        int to = Math.min(from + search.count(), matches.size());
        var bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "Questionnaire",
                search, matches.subList(from, to), to < matches.size(), matches.size());
        return responses.searchset(bundle, request, search);
    }

    /** The title in every language the questionnaire carries (base text and translations). */
    private static Stream<String> titles(Questionnaire q) {
        StringType title = q.getTitleElement();
        Stream<String> translations = title.getExtensionsByUrl("http://hl7.org/fhir/StructureDefinition/translation")
                .stream().map(t -> t.getExtensionString("content"));
        return Stream.concat(Stream.of(q.getTitle()), translations);
    }

    /** Every occurrence applies (AND); the alternatives of one are ORed. */
    private static Predicate<Questionnaire> allOf(List<List<String>> occurrences,
                                                  java.util.function.BiPredicate<Questionnaire, String> test) {
        Predicate<Questionnaire> all = q -> true;
        for (List<String> values : occurrences) {
            all = all.and(anyOf(values, test));
        }
        return all;
    }

    private static Predicate<Questionnaire> anyOf(List<String> values, java.util.function.BiPredicate<Questionnaire, String> test) {
        if (values.isEmpty()) {
            return q -> true;
        }
        return q -> values.stream().anyMatch(v -> test.test(q, v));
    }

    /** FHIR string search: case- and accent-insensitive prefix match by default; :exact and :contains. */
    enum StringMatch {
        PREFIX, EXACT, CONTAINS;

        static StringMatch of(String modifier) {
            return switch (modifier) {
                case ":exact" -> EXACT;
                case ":contains" -> CONTAINS;
                default -> PREFIX;
            };
        }

        boolean matches(Stream<String> candidates, String wanted) {
            return candidates.filter(c -> c != null).anyMatch(c -> switch (this) {
                case EXACT -> c.equals(wanted);
                case CONTAINS -> fold(c).contains(fold(wanted));
                case PREFIX -> fold(c).startsWith(fold(wanted));
            });
        }

        private static String fold(String s) {
            return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        }
    }
}
