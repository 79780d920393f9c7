package fi.vointi.subscriptions;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Subscription;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Topic-based subscriptions, R4 Subscriptions Backport IG (docs/subscriptions.md): {@code POST/GET/DELETE
 * /fhir/Subscription}, {@code GET /fhir/Subscription/{id}/$status}, and the topics at {@code GET /fhir/SubscriptionTopic}.
 * A subscription belongs to the backend client that created it; for anyone else it does not exist (404).
 */
@Controller("/fhir")
@Secured(SecurityRule.IS_ANONYMOUS) // decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class SubscriptionController {
    private final SubscriptionStore store;
    private final SubscriptionConfiguration configuration;
    private final CallerResolver callers;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final Clock clock;

    SubscriptionController(SubscriptionStore store, SubscriptionConfiguration configuration, CallerResolver callers,
                           FhirJson json, FhirResponses responses, FhirServerConfiguration server, Clock clock) {
        this.store = store;
        this.configuration = configuration;
        this.callers = callers;
        this.json = json;
        this.responses = responses;
        this.server = server;
        this.clock = clock;
    }

    @Post(uri = "/Subscription", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML}, produces = {FhirMediaType.FHIR_JSON,
            FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> create(@Body @Nullable String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("subscribe");
        Caller caller = callers.resolve(request);
        CallerResolver.enforce(AccessPolicy.subscribe(caller, null));
        Instant now = clock.instant();
        SubscriptionRequest asked = SubscriptionRequest.read(json.parseBody(body, Subscription.class, request), configuration.limits(), now);
        CallerResolver.enforce(AccessPolicy.subscribe(caller, asked.unitRefs()));
        String base = SearchBundles.baseUrl(request, server.getBaseUrl());
        StoredSubscription stored = new StoredSubscription(UUID.randomUUID().toString(), AccessPolicy.exportClient(caller),
                SubscriptionEvents.scopesText(caller), asked.topic(), asked.unitRefs(), "requested", asked.endpoint(),
                asked.content(), asked.headers(), asked.heartbeatSeconds(), asked.timeoutSeconds(), asked.end(),
                asked.reason(), base, 0, null, null, now, now, 1,
                // requested until the endpoint answers the handshake, which the sender sends in its next round
                StoredSubscription.HANDSHAKE_PENDING, 0, now);
        store.insert(stored);
        audit.entity("Subscription/" + stored.id()).detail("topic " + asked.topic().code());
        Subscription resource = Notifications.resource(stored, now);
        return responses.written(HttpResponse.created(URI.create(base + "/Subscription/" + stored.id())), resource, request,
                "Created Subscription/" + stored.id());
    }

    @Get(uri = "/Subscription", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> search(HttpRequest<?> request) {
        AuditContext.search(request);
        Caller caller = callers.resolve(request);
        SearchRequest search = SearchRequest.of(request.getParameters(), Set.of("status", "_lastUpdated"));
        List<List<String>> statuses = search.codes("status", Set.of("requested", "active", "error", "off"));
        List<DateRange> lastUpdated = search.all("_lastUpdated").stream()
                .map(v -> DateRange.parse("_lastUpdated", v, server.getZone())).toList();
        CallerResolver.enforce(AccessPolicy.subscribe(caller, null));
        Instant now = clock.instant();
        List<StoredSubscription> own = store.ofClient(AccessPolicy.exportClient(caller)).stream()
                .filter(s -> statuses.stream().allMatch(codes -> codes.contains(s.statusAt(now))))
                .filter(s -> lastUpdated.stream().allMatch(range -> range.includes(s.lastUpdated()))).toList();
        int from = Math.min(search.offset(), own.size());
        int to = Math.min(from + search.count(), own.size());
        List<Resource> page = own.subList(from, to).stream().map(s -> (Resource) Notifications.resource(s, now)).toList();
        Bundle bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "Subscription", search,
                page, to < own.size(), own.size());
        return responses.searchset(bundle, request, search);
    }

    @Get(uri = "/Subscription/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        AuditContext.of(request).operation("read").entity("Subscription/" + id);
        return responses.ok(Notifications.resource(own(id, request), clock.instant()), request);
    }

    /** Ends a subscription: it and its undelivered notifications are deleted. */
    @Delete(uri = "/Subscription/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> delete(@PathVariable String id, HttpRequest<?> request) {
        AuditContext.of(request).operation("delete").entity("Subscription/" + id);
        own(id, request);
        store.delete(id);
        return responses.outcome(HttpResponse.ok(), request, "Subscription/" + id + " deleted; no further notifications are sent");
    }

    @Get(uri = "/Subscription/{id}/$status", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> status(@PathVariable String id, HttpRequest<?> request) {
        AuditContext.of(request).operation("read").entity("Subscription/" + id).detail("$status");
        SearchRequest.of(request.getParameters(), Set.of());
        return responses.ok(Notifications.statusBundle(own(id, request), clock.instant()), request);
    }

    /** The topics, public like the CapabilityStatement: R4 has no SubscriptionTopic, so each is a Basic resource. */
    @Get(uri = "/SubscriptionTopic", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> topics(HttpRequest<?> request) {
        SearchRequest search = SearchRequest.of(request.getParameters(), Set.of());
        List<Resource> topics = Arrays.stream(Topic.values()).map(t -> (Resource) Notifications.topic(t)).toList();
        int from = Math.min(search.offset(), topics.size());
        int to = Math.min(from + search.count(), topics.size());
        Bundle bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "SubscriptionTopic", search,
                topics.subList(from, to), to < topics.size(), topics.size());
        return responses.searchset(bundle, request, search);
    }

    /** The caller's own subscription; another client's and an unknown id both answer 404. */
    private StoredSubscription own(String id, HttpRequest<?> request) {
        Caller caller = callers.resolve(request);
        String unknown = "Subscription/" + id + " is not known";
        if (caller.isAnonymous()) {
            CallerResolver.enforce(AccessPolicy.readSubscription(caller, null));
        }
        StoredSubscription s = store.find(id).orElseThrow(() -> FhirException.notFound(unknown));
        CallerResolver.enforce(AccessPolicy.readSubscription(caller, s.clientId()), unknown);
        return s;
    }
}
