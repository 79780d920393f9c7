package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FHIR search as an EHR uses it, over real HTTP: paging links with {@code |} in the query followed to the end by the
 * JDK's {@link URI} / HttpClient and by HAPI's generic client, {@code _count=0}, refusals of every unknown parameter and
 * bad value on every search endpoint, {@code _summary}, {@code _elements}, {@code _include} / {@code _revinclude},
 * {@code _lastUpdated} and XML.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FhirSearchTest {
    static final String QR = "/fhir/QuestionnaireResponse";
    static final String SYSTEM = "urn:vointi:search-test";
    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    @Inject
    EmbeddedServer server;
    @Inject
    fi.vointi.security.DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient patient;
    String patientToken;
    String patientId;
    Questionnaire prom;
    Instant before;
    List<String> responseIds = new ArrayList<>();
    List<String> identifiers = new ArrayList<>();
    String scoreCode;

    @BeforeAll
    void fiveCompletedResponses() throws InterruptedException {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        patientId = UUID.randomUUID().toString();
        patientToken = tokens.patient(patientId);
        patient = anonymous.as(patientToken);
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        for (int i = 0; i < 5; i++) {
            QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                    .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patientId);
            String value = "paging " + i + " " + UUID.randomUUID(); // a space in the value too
            response.setIdentifier(new Identifier().setSystem(SYSTEM).setValue(value));
            Reply created = patient.post(QR, response);
            assertEquals(201, created.status(), created.body());
            responseIds.add(created.resource(QuestionnaireResponse.class).getIdElement().getIdPart());
            identifiers.add(value);
        }
        Bundle scores = patient.get("/fhir/Observation?patient=" + patientId).resource(Bundle.class);
        Observation any = (Observation) scores.getEntryFirstRep().getResource();
        scoreCode = any.getCode().getCodingFirstRep().getSystem() + "|" + any.getCode().getCodingFirstRep().getCode();
    }

    /** The three searches with '|' in the query, each of five matches in pages of two. */
    private Map<String, String> threePageSearches() {
        Map<String, String> searches = new LinkedHashMap<>();
        searches.put("QuestionnaireResponse", "questionnaire=" + enc(prom.getUrl() + "|" + prom.getVersion())
                + "&patient=" + patientId + "&_count=2");
        searches.put("QuestionnaireResponse ", "identifier=" + identifiers.stream().map(v -> enc(SYSTEM + "|" + v))
                .collect(Collectors.joining(",")) + "&_count=2");
        searches.put("Observation", "code=" + enc(scoreCode) + "&patient=Patient/" + patientId + "&_count=2");
        return searches;
    }

    @Test
    void nextLinksWithBarsAreValidUrisThatTheJdkFollowsToTheEnd() {
        for (Map.Entry<String, String> search : threePageSearches().entrySet()) {
            Bundle page = patient.get("/fhir/" + search.getKey().trim() + "?" + search.getValue() + "&_total=accurate")
                    .resource(Bundle.class);
            assertEquals(5, page.getTotal(), search.getKey());
            Set<String> seen = new LinkedHashSet<>();
            int pages = 0;
            while (true) {
                pages++;
                for (Bundle.BundleLinkComponent link : page.getLink()) {
                    URI uri = URI.create(link.getUrl()); // throws on a raw '|' or space
                    assertFalse(link.getUrl().contains("|"), link.getUrl());
                    assertNotNull(uri.getRawQuery(), link.getRelation());
                }
                page.getEntry().forEach(e -> {
                    URI.create(e.getFullUrl());
                    assertTrue(seen.add(e.getResource().getIdElement().getIdPart()), "no entry twice");
                });
                if (page.getLink("next") == null) {
                    assertNotNull(page.getLink("previous"));
                    assertEquals(page.getLink("last").getUrl(), page.getLink("self").getUrl());
                    break;
                }
                Reply next = patient.send(HttpRequest.newBuilder(URI.create(page.getLink("next").getUrl()))
                        .header("Accept", FhirTestClient.FHIR_JSON).GET());
                assertEquals(200, next.status(), next.body());
                page = next.resource(Bundle.class);
            }
            assertEquals(3, pages, search.getKey());
            assertEquals(5, seen.size(), search.getKey());
            if (search.getKey().startsWith("QuestionnaireResponse")) {
                assertEquals(Set.copyOf(responseIds), seen);
            }
        }
    }

    @Test
    void hapisGenericClientPagesToTheEndInXmlAndJson() {
        for (EncodingEnum encoding : new EncodingEnum[]{null, EncodingEnum.JSON, EncodingEnum.XML}) {
            IGenericClient client = CONTEXT.newRestfulGenericClient(server.getURI() + "/fhir");
            client.registerInterceptor(new BearerTokenAuthInterceptor(patientToken));
            if (encoding != null) {
                client.setEncoding(encoding);
            }
            for (Map.Entry<String, String> search : threePageSearches().entrySet()) {
                Bundle page = client.search().byUrl(search.getKey().trim() + "?" + search.getValue())
                        .returnBundle(Bundle.class).execute();
                Set<String> seen = new LinkedHashSet<>();
                int pages = 1;
                page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
                while (page.getLink(Bundle.LINK_NEXT) != null) {
                    page = client.loadPage().next(page).execute();
                    page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
                    pages++;
                }
                assertEquals(3, pages, encoding + " " + search.getKey());
                assertEquals(5, seen.size(), encoding + " " + search.getKey());
            }
        }
    }

    /** Every search endpoint with a caller allowed to search it. */
    private Map<String, FhirTestClient> endpoints() {
        Map<String, FhirTestClient> endpoints = new LinkedHashMap<>();
        endpoints.put("Questionnaire", anonymous);
        endpoints.put("QuestionnaireResponse", patient);
        endpoints.put("Observation", patient);
        endpoints.put("AuditEvent", anonymous.as(tokens.admin()));
        endpoints.put("Task", anonymous.as(tokens.system("search-test", "system/Task.rs")));
        endpoints.put("Organization", anonymous.as(tokens.admin()));
        endpoints.put("Location", anonymous.as(tokens.admin()));
        return endpoints;
    }

    @Test
    void countZeroAndSummaryCountGiveTheTotalOnly() {
        for (Map.Entry<String, FhirTestClient> endpoint : endpoints().entrySet()) {
            for (String query : List.of("_count=0", "_summary=count", "_count=0&_total=none")) {
                Reply reply = endpoint.getValue().get("/fhir/" + endpoint.getKey() + "?" + query);
                assertEquals(200, reply.status(), endpoint.getKey() + "?" + query + ": " + reply.body());
                Bundle bundle = reply.resource(Bundle.class);
                assertTrue(bundle.hasTotal(), endpoint.getKey() + "?" + query);
                assertEquals(0, bundle.getEntry().size(), endpoint.getKey() + "?" + query);
                assertNull(bundle.getLink("next"), endpoint.getKey() + "?" + query + " must not loop");
            }
        }
        Bundle mine = patient.get(QR + "?patient=" + patientId + "&_summary=count").resource(Bundle.class);
        assertEquals(5, mine.getTotal());
    }

    @Test
    void everyUnknownParameterAndBadValueIsRefusedOnEverySearchEndpoint() {
        Map<String, List<String>> badValues = Map.of(
                "Questionnaire", List.of("status=finished", "_sort=url"),
                "QuestionnaireResponse", List.of("authored=2026-13", "status=done", "_lastUpdated=soon",
                        "_include=QuestionnaireResponse:subject", "_revinclude=Observation:subject"),
                "Observation", List.of("date=yesterday", "status=done", "_lastUpdated=ne2026", "derived-from=Patient/1"),
                "AuditEvent", List.of("action=X", "outcome=2", "date=2026-99"),
                "Task", List.of("status=bogus"),
                "Organization", List.of("active=maybe", "type=planet", "_lastUpdated=2026-02-30"),
                "Location", List.of("_lastUpdated=soon", "organization=Location/1"));
        List<String> everywhere = List.of("bogus=1", "name:fuzzy=x", "_sort=bogus", "_total=maybe", "_summary=text",
                "_elements=noSuchElement", "_count=-1", "_offset=x", "_include=Patient:link", "_pretty=very",
                "_count=1&_count=2");
        for (Map.Entry<String, FhirTestClient> endpoint : endpoints().entrySet()) {
            List<String> queries = new ArrayList<>(everywhere);
            queries.addAll(badValues.get(endpoint.getKey()));
            for (String query : queries) {
                Reply reply = endpoint.getValue().get("/fhir/" + endpoint.getKey() + "?" + query);
                assertEquals(400, reply.status(), endpoint.getKey() + "?" + query + ": " + reply.body());
                assertFalse(reply.outcome(400).isBlank());
            }
            Reply format = endpoint.getValue().get("/fhir/" + endpoint.getKey() + "?_format=pdf");
            assertTrue(format.outcome(406).contains("_format"), endpoint.getKey());
        }
        String unknown = patient.get(QR + "?patinet=" + patientId).outcome(400);
        assertTrue(unknown.contains("'patinet'") && unknown.contains("patient"), unknown);
    }

    @Test
    void repeatedParametersAllApplyAndCommasAreAlternatives() {
        String mine = QR + "?patient=" + patientId + "&_total=estimate";
        assertEquals(5, patient.get(mine + "&status=completed,in-progress").resource(Bundle.class).getTotal());
        assertEquals(0, patient.get(mine + "&status=completed&status=in-progress").resource(Bundle.class).getTotal());
        assertEquals(1, patient.get(mine + "&_id=" + responseIds.get(0) + "," + responseIds.get(1) + "&_id=" + responseIds.get(1))
                .resource(Bundle.class).getTotal());
        assertEquals(5, patient.get("/fhir/Observation?patient=" + patientId + "&code=" + enc(scoreCode) + "&code="
                + enc(scoreCode.substring(0, scoreCode.indexOf('|') + 1)) + "&_total=accurate").resource(Bundle.class).getTotal(),
                "code=system| matches every code of the system");
        assertEquals(0, anonymous.get("/fhir/Questionnaire?_id=demo-wellbeing-prom&_id=demo-customer-feedback&_total=accurate")
                .resource(Bundle.class).getTotal());
    }

    @Test
    void capabilityStatementDeclaresTheResultParametersAndIncludes() {
        CapabilityStatement cs = anonymous.get("/fhir/metadata").resource(CapabilityStatement.class);
        var qr = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("QuestionnaireResponse")).findFirst().orElseThrow();
        assertEquals(List.of("QuestionnaireResponse:questionnaire"), qr.getSearchInclude().stream().map(i -> i.getValue()).toList());
        assertEquals(List.of("Observation:derived-from"), qr.getSearchRevInclude().stream().map(i -> i.getValue()).toList());
        assertEquals(Set.of("application/fhir+json", "json", "application/fhir+xml", "xml"),
                cs.getFormat().stream().map(f -> f.getValue()).collect(Collectors.toSet()));
        for (String type : List.of("QuestionnaireResponse", "Observation", "Organization", "Location")) {
            assertTrue(cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow()
                    .getSearchParam().stream().anyMatch(p -> p.getName().equals("_lastUpdated")), type);
        }
    }

    @Test
    void summaryAndElementsSubsetTheEntries() {
        Bundle elements = patient.get(QR + "?patient=" + patientId + "&_elements=status,questionnaire").resource(Bundle.class);
        assertEquals(5, elements.getEntry().size());
        for (Bundle.BundleEntryComponent entry : elements.getEntry()) {
            QuestionnaireResponse response = (QuestionnaireResponse) entry.getResource();
            assertTrue(response.hasStatus() && response.hasQuestionnaire());
            assertFalse(response.hasItem() || response.hasSubject() || response.hasIdentifier(), "only the elements asked for");
            assertTrue(response.getMeta().getTag().stream().anyMatch(t -> "SUBSETTED".equals(t.getCode())), "marked SUBSETTED");
        }
        assertNotNull(elements.getLink("self"));
        Bundle summary = patient.get(QR + "?patient=" + patientId + "&_summary=true").resource(Bundle.class);
        assertEquals(5, summary.getEntry().size());
        for (Bundle.BundleEntryComponent entry : summary.getEntry()) {
            QuestionnaireResponse response = (QuestionnaireResponse) entry.getResource();
            assertTrue(response.hasStatus() && response.hasSubject() && response.hasIdentifier());
            assertFalse(response.hasItem(), "items are not summary elements");
        }
        assertEquals(400, patient.get(QR + "?_summary=true&_elements=status").status());
    }

    @Test
    void includeAndRevincludeAddWhatTheCallerMayRead() {
        Bundle bundle = patient.get(QR + "?patient=" + patientId + "&_count=2"
                + "&_include=QuestionnaireResponse:questionnaire&_revinclude=Observation:derived-from").resource(Bundle.class);
        List<Resource> matches = bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(Bundle.BundleEntryComponent::getResource).toList();
        List<Resource> included = bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
                .map(Bundle.BundleEntryComponent::getResource).toList();
        assertEquals(2, matches.size());
        assertEquals(List.of(prom.getUrl()), included.stream().filter(r -> r instanceof Questionnaire)
                .map(r -> ((Questionnaire) r).getUrl()).toList(), "the questionnaire once");
        Set<String> expectedScores = new LinkedHashSet<>();
        for (Resource match : matches) {
            Bundle scores = patient.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + match.getIdElement().getIdPart())
                    .resource(Bundle.class);
            scores.getEntry().forEach(e -> expectedScores.add(e.getResource().getIdElement().getIdPart()));
        }
        assertFalse(expectedScores.isEmpty());
        assertEquals(expectedScores, included.stream().filter(r -> r instanceof Observation)
                .map(r -> r.getIdElement().getIdPart()).collect(Collectors.toSet()));
        assertTrue(bundle.getLink("next").getUrl().contains("_revinclude=Observation:derived-from"), "paging keeps the includes");

        // another patient sees none of this patient's responses, and so none of their scores
        FhirTestClient stranger = anonymous.as(tokens.patient(UUID.randomUUID().toString()));
        Bundle nothing = stranger.get(QR + "?patient=" + patientId + "&_revinclude=Observation:derived-from").resource(Bundle.class);
        assertEquals(0, nothing.getEntry().size());
    }

    @Test
    void lastUpdatedSearch() {
        assertEquals(5, patient.get(QR + "?patient=" + patientId + "&_lastUpdated=ge" + before + "&_total=accurate")
                .resource(Bundle.class).getTotal());
        assertEquals(0, patient.get(QR + "?patient=" + patientId + "&_lastUpdated=lt" + before + "&_total=accurate")
                .resource(Bundle.class).getTotal());
        Bundle scores = patient.get("/fhir/Observation?patient=" + patientId + "&_lastUpdated=gt" + before + "&_sort=-_lastUpdated")
                .resource(Bundle.class);
        assertFalse(scores.getEntry().isEmpty());
        assertEquals(200, anonymous.as(tokens.admin()).get("/fhir/Organization?_lastUpdated=le"
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(60)).status());
    }

    @Test
    void xmlOnEveryKindOfAnswer() {
        // metadata, a read, a search and an error, by _format and by Accept
        Reply metadata = anonymous.get("/fhir/metadata?_format=xml");
        assertXml(metadata, 200);
        CapabilityStatement cs = CONTEXT.newXmlParser().parseResource(CapabilityStatement.class, metadata.body());
        assertTrue(cs.getFormat().stream().anyMatch(f -> f.getValue().equals("application/fhir+xml")));
        assertXml(anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom?_format=application/fhir%2Bxml"), 200);
        assertXml(anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom?_format=application/fhir+xml"), 200);
        Reply read = patient.send(HttpRequest.newBuilder(anonymous.uri(QR + "/" + responseIds.get(0)))
                .header("Accept", "application/fhir+xml").GET());
        assertXml(read, 200);
        assertEquals(responseIds.get(0), CONTEXT.newXmlParser().parseResource(QuestionnaireResponse.class, read.body())
                .getIdElement().getIdPart());
        Reply search = patient.send(HttpRequest.newBuilder(anonymous.uri(QR + "?patient=" + patientId))
                .header("Accept", "application/fhir+xml, application/fhir+json;q=0.5").GET());
        assertXml(search, 200);
        assertEquals(5, CONTEXT.newXmlParser().parseResource(Bundle.class, search.body()).getEntry().size());
        Reply notFound = anonymous.send(HttpRequest.newBuilder(anonymous.uri("/fhir/Questionnaire/no-such-one"))
                .header("Accept", "application/fhir+xml").GET());
        assertXml(notFound, 404);
        assertTrue(CONTEXT.newXmlParser().parseResource(OperationOutcome.class, notFound.body()).hasIssue());
        Reply refused = patient.get(QR + "?bogus=1&_format=xml");
        assertXml(refused, 400);
        // JSON stays the default
        assertTrue(anonymous.get("/fhir/metadata").header("Content-Type").startsWith("application/fhir+json"));
    }

    @Test
    void anUnknownFormatIsRefusedBeforeAnythingIsStored() {
        String other = UUID.randomUUID().toString();
        FhirTestClient otherPatient = anonymous.as(tokens.patient(other));
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + other);
        assertTrue(otherPatient.post(QR + "?_format=pdf", response).outcome(406).contains("_format"));
        assertEquals(0, otherPatient.get(QR + "?patient=" + other + "&_summary=count").resource(Bundle.class).getTotal());
        assertTrue(anonymous.get("/fhir/metadata?_format=text/html").outcome(406).contains("_format"));
        // the same create asking for XML is stored and answered in XML
        Reply created = otherPatient.post(QR + "?_format=xml", response);
        assertXml(created, 201);
        assertEquals(1, otherPatient.get(QR + "?patient=" + other + "&_summary=count").resource(Bundle.class).getTotal());
    }

    private static void assertXml(Reply reply, int status) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").startsWith("application/fhir+xml"), reply.header("Content-Type"));
        assertTrue(reply.body().startsWith("<"), reply.body());
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
