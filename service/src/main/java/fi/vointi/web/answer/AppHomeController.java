package fi.vointi.web.answer;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.audit.AuditContext;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.invitations.Invitation;
import fi.vointi.invitations.InvitationService;
import fi.vointi.responses.ResponseSearch;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.simple.SimpleHttpParameters;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The patient and guardian home page {@code /app}: for the person chosen (a guardian picks the child first,
 * {@code ?patient=}) the invitations waiting, the answers in progress and a link to the results. Lists come from
 * {@link InvitationService} and the response search with the caller's read grants: the FHIR API's rules.
 */
@Controller("/app")
@Secured(SecurityRule.IS_ANONYMOUS) // anonymous callers are sent to the sign-in in code
@ExecuteOn(TaskExecutors.BLOCKING)
public class AppHomeController {
    private final CallerResolver callers;
    private final InvitationService invitations;
    private final ResponseSearch search;
    private final QuestionnaireCatalog catalog;
    private final FhirServerConfiguration server;
    private final HtmlPages pages;

    public AppHomeController(CallerResolver callers, InvitationService invitations, ResponseSearch search,
                             QuestionnaireCatalog catalog, FhirServerConfiguration server, HtmlPages pages) {
        this.callers = callers;
        this.invitations = invitations;
        this.search = search;
        this.catalog = catalog;
        this.server = server;
        this.pages = pages;
    }

    public record Person(String id, String name, String href, boolean self) {
    }

    public record Entry(String title, String titleLang, String href, @Nullable String detail) {
    }

    /**
     * @param people   the people to choose from (a guardian before choosing), empty once chosen
     * @param person   the person chosen, or null
     */
    public record HomeView(List<Person> people, @Nullable Person person, @Nullable String forWhom, List<Entry> waiting,
                           List<Entry> inProgress, @Nullable String resultsHref, boolean nobody) {
    }

    @Get(produces = "text/html")
    public HttpResponse<String> home(@Nullable @QueryValue String patient, HttpRequest<?> request) {
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return SignInRedirect.to(request);
        }
        String lang = Languages.of(request);
        List<String> ids = caller.actsFor().stream().sorted((a, b) -> a.equals(caller.patientId()) ? -1
                : b.equals(caller.patientId()) ? 1 : a.compareTo(b)).toList();
        List<Person> people = new ArrayList<>();
        for (String id : ids) {
            boolean self = id.equals(caller.patientId());
            people.add(new Person(id, self ? Messages.get(lang, "app.home.yourself") : PatientNames.of(id),
                    "/app?patient=" + AppAnswerController.encode(id), self));
        }
        Page page = Page.of(request, lang, Messages.get(lang, "app.home.title"));
        if (ids.isEmpty()) {
            return pages.render(request, HttpStatus.OK, "app/home/home", page,
                    new HomeView(List.of(), null, null, List.of(), List.of(), null, true));
        }
        String chosen = patient != null ? patient : ids.size() == 1 ? ids.get(0) : null;
        if (chosen == null) {
            return pages.render(request, HttpStatus.OK, "app/home/home", page,
                    new HomeView(people, null, null, List.of(), List.of(), null, false));
        }
        if (!ids.contains(chosen)) {
            throw FhirException.notFound("Patient/" + chosen + " is not known"); // the same 404 page as an unknown id
        }
        AuditContext.of(request).operation("search").patient(chosen);
        Person person = people.stream().filter(p -> p.id().equals(chosen)).findFirst().orElseThrow();
        List<Entry> waiting = new ArrayList<>();
        DateTimeFormatter date = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(Locale.forLanguageTag(lang))
                .withZone(server.getZone() == null ? ZoneId.of("Europe/Helsinki") : server.getZone());
        for (Invitation invitation : invitations.waiting(caller, chosen)) {
            if (invitation.draftResponseId() != null) {
                continue; // listed with the answers in progress
            }
            Optional<Questionnaire> questionnaire = catalog.resolve(invitation.questionnaire());
            if (questionnaire.isEmpty()) {
                continue;
            }
            String start = (AdaptiveBank.isAdaptive(questionnaire.get()) ? "/app/adaptive/start?task=" : "/app/answer/start?task=")
                    + AppAnswerController.encode(invitation.id());
            waiting.add(new Entry(Languages.text(questionnaire.get().getTitleElement(), lang),
                    Languages.languageOf(questionnaire.get().getTitleElement(), lang), start,
                    Messages.get(lang, "app.home.answerBy", date.format(invitation.expiresAt()))));
        }
        List<Entry> inProgress = new ArrayList<>();
        for (QuestionnaireResponse draft : drafts(caller, chosen)) {
            Optional<Questionnaire> questionnaire = catalog.resolve(CanonicalRef.parse(draft.getQuestionnaire()));
            if (questionnaire.isEmpty()) {
                continue;
            }
            String id = draft.getIdElement().getIdPart();
            String href = (AdaptiveBank.isAdaptive(questionnaire.get()) ? "/app/adaptive/" : "/app/answer/")
                    + AppAnswerController.encode(id);
            AuditContext.of(request).entity("QuestionnaireResponse/" + id);
            inProgress.add(new Entry(Languages.text(questionnaire.get().getTitleElement(), lang),
                    Languages.languageOf(questionnaire.get().getTitleElement(), lang), href,
                    Messages.get(lang, "app.home.savedAt", date.format(draft.getMeta().getLastUpdated().toInstant()))));
        }
        String results = person.self() ? "/app/results" : "/app/results?patient=" + AppAnswerController.encode(chosen);
        page = Page.of(request, lang, person.self() ? Messages.get(lang, "app.home.title")
                : Messages.get(lang, "app.home.titleFor", person.name()));
        return pages.render(request, HttpStatus.OK, "app/home/home", page, new HomeView(ids.size() > 1 ? people : List.of(),
                person, AppAnswerController.forWhom(caller, chosen, lang), waiting, inProgress, results, false));
    }

    /** In-progress responses about {@code patientId}, through the search with the caller's read grants. */
    private List<QuestionnaireResponse> drafts(Caller caller, String patientId) {
        Map<CharSequence, List<String>> query = new LinkedHashMap<>();
        query.put("subject", List.of("Patient/" + patientId));
        query.put("status", List.of("in-progress"));
        query.put("_count", List.of("50"));
        SearchRequest request = SearchRequest.of(new SimpleHttpParameters(query, ConversionService.SHARED), ResponseSearch.PARAMETERS);
        return search.search(request, server.getZone(), AccessPolicy.readGrants(caller)).resources();
    }
}
