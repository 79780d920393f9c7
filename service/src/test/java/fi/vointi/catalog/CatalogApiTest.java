package fi.vointi.catalog;

import fi.vointi.responses.ResponseSearch;
import fi.vointi.support.FhirTestClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
class CatalogApiTest {
    @Inject
    EmbeddedServer server;
    FhirTestClient fhir;
    @Inject
    fi.vointi.security.DevTokenIssuer issuer;

    @BeforeEach
    void setUp() {
        fhir = new FhirTestClient(server);
    }

    @Test
    void capabilityStatementDescribesWhatIsImplemented() {
        FhirTestClient.Reply reply = fhir.get("/fhir/metadata");
        assertEquals(200, reply.status());
        assertTrue(reply.header("Content-Type").startsWith("application/fhir+json"));
        CapabilityStatement cs = reply.resource(CapabilityStatement.class);
        assertEquals("4.0.1", cs.getFhirVersion().toCode());
        var resources = cs.getRestFirstRep().getResource();
        fi.vointi.support.Tokens tokens = new fi.vointi.support.Tokens(issuer);
        // what each resource type implements, and a caller allowed to search it
        Map<String, Set<String>> implemented = Map.ofEntries(
                Map.entry("Questionnaire", QuestionnaireController.SEARCH_PARAMETERS.stream().map(p -> p.split(":")[0]).collect(Collectors.toSet())),
                Map.entry("QuestionnaireResponse", ResponseSearch.PARAMETERS),
                Map.entry("AuditEvent", fi.vointi.audit.AuditEventController.PARAMETERS),
                Map.entry("Task", fi.vointi.invitations.InvitationService.SEARCH_PARAMETERS),
                Map.entry("Observation", fi.vointi.observations.ObservationSearch.PARAMETERS),
                Map.entry("Patient", Set.of()),
                Map.entry("Organization", base(fi.vointi.organization.OrganizationSearch.ORGANIZATION_PARAMETERS)),
                Map.entry("Location", base(fi.vointi.organization.OrganizationSearch.LOCATION_PARAMETERS)),
                Map.entry("OperationDefinition", Set.of()),
                Map.entry("Group", Set.of()),
                Map.entry("PlanDefinition", Set.of("_id", "url")),
                Map.entry("CarePlan", fi.vointi.schedules.ScheduleService.SEARCH.parameters()),
                Map.entry("Encounter", Set.of()),
                Map.entry("Subscription", Set.of("status", "_lastUpdated")));
        Map<String, FhirTestClient> callers = Map.ofEntries(
                Map.entry("Questionnaire", fhir),
                Map.entry("QuestionnaireResponse", fhir.as(tokens.system("catalog-test", "system/*.rs"))),
                Map.entry("AuditEvent", fhir.as(tokens.admin())),
                Map.entry("Task", fhir.as(tokens.system("catalog-test", "system/Task.rs"))),
                Map.entry("Observation", fhir.as(tokens.system("catalog-test", "system/*.rs"))),
                Map.entry("Patient", fhir.as(tokens.admin())),
                Map.entry("Organization", fhir.as(tokens.admin())),
                Map.entry("Location", fhir.as(tokens.system("catalog-test", "system/Location.rs"))),
                Map.entry("OperationDefinition", fhir),
                Map.entry("Group", fhir.as(tokens.system("catalog-test", "system/QuestionnaireResponse.rs"))),
                Map.entry("PlanDefinition", fhir),
                Map.entry("CarePlan", fhir.as(tokens.system("catalog-test", "system/CarePlan.r"))),
                Map.entry("Encounter", fhir.as(tokens.system("catalog-test", "system/Encounter.c"))),
                Map.entry("Subscription", fhir.as(tokens.system("catalog-test", "system/QuestionnaireResponse.rs"))));
        assertEquals(implemented.keySet(),
                resources.stream().map(CapabilityStatementRestResourceComponent::getType).collect(Collectors.toSet()));
        CapabilityStatementRestResourceComponent qr = resource(cs, "QuestionnaireResponse");
        assertEquals(Set.of("read", "vread", "create", "update", "search-type"), interactions(qr));
        assertTrue(qr.getConditionalCreate());
        assertEquals(Set.of("read", "search-type"), interactions(resource(cs, "Questionnaire")));
        assertEquals(Set.of("read", "create", "search-type"), interactions(resource(cs, "Task")));
        assertEquals(Set.of("read", "create", "update", "search-type"), interactions(resource(cs, "CarePlan")));
        assertEquals(Set.of("read", "search-type"), interactions(resource(cs, "PlanDefinition")));
        assertEquals(Set.of("read", "create", "update", "delete", "search-type"), interactions(resource(cs, "Organization")));
        assertEquals(Set.of("read", "create", "update", "delete", "search-type"), interactions(resource(cs, "Location")));
        assertEquals(Set.of("create"), interactions(resource(cs, "Encounter"))); // visits for post-visit feedback, never stored
        assertEquals(Set.of("create", "read", "delete", "search-type"), interactions(resource(cs, "Subscription")));
        assertEquals("SMART-on-FHIR", cs.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode());

        // every declared search parameter is accepted, and exactly those
        for (CapabilityStatementRestResourceComponent resource : resources) {
            Set<String> declared = resource.getSearchParam().stream().map(p -> p.getName()).collect(Collectors.toSet());
            assertEquals(implemented.get(resource.getType()), declared, resource.getType());
            for (String name : declared) {
                String value = Set.of("authored", "date", "_lastUpdated").contains(name) ? "2026" : name.equals("questionnaire") ? "https://x/Q"
                        : name.equals("status") ? Map.of("Task", "ready", "Questionnaire", "active", "QuestionnaireResponse", "completed",
                                "Observation", "final", "Subscription", "active", "CarePlan", "active").get(resource.getType())
                        : name.equals("type") ? "unit" : name.equals("action") ? "R" : name.equals("outcome") ? "0"
                        : name.equals("active") ? "true" : "x";
                FhirTestClient client = callers.get(resource.getType());
                assertEquals(200, client.get("/fhir/" + resource.getType() + "?" + name + "=" + value).status(), name);
            }
        }
        // the interactions declared answer (not 404/405)
        FhirTestClient ehr = fhir.as(new fi.vointi.support.Tokens(issuer).system("catalog-test", "system/*.rs"));
        assertEquals(200, ehr.get("/fhir/QuestionnaireResponse").status());
        ehr.get("/fhir/QuestionnaireResponse/none/_history/1").outcome(404);
        // without credentials, responses are not disclosed
        fhir.get("/fhir/QuestionnaireResponse").outcome(401);
    }

    @Test
    void demoContentIsServedAndSearchable() {
        Questionnaire prom = fhir.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        assertEquals("https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom", prom.getUrl());
        assertTrue(prom.getTitle().toLowerCase().contains("demo"), prom.getTitle());
        assertTrue(prom.getDescription().toLowerCase().contains("demo"));
        Questionnaire feedback = fhir.get("/fhir/Questionnaire/demo-customer-feedback").resource(Questionnaire.class);
        assertTrue(feedback.getTitle().toLowerCase().contains("demo"));

        assertEquals(List.of("demo-wellbeing-prom"), ids("?url=" + prom.getUrl()));
        assertEquals(List.of("demo-wellbeing-prom"), ids("?url=" + prom.getUrl() + "&version=" + prom.getVersion()));
        assertEquals(List.of(), ids("?url=" + prom.getUrl() + "&version=0.0.0-none"));
        assertEquals(List.of("demo-customer-feedback"), ids("?_id=demo-customer-feedback"));
        assertEquals(List.of("demo-customer-feedback"), ids("?name=" + feedback.getName().substring(0, 12).toLowerCase()
                + "&name:contains=Feedback"));
        assertEquals(List.of(), ids("?name:exact=" + feedback.getName().toLowerCase()));
        assertTrue(ids("?status=active").containsAll(List.of("demo-wellbeing-prom", "demo-customer-feedback")));
        assertEquals(List.of(), ids("?status=retired"));
        // the title matches in every language it carries
        String english = prom.getTitleElement().getExtensionsByUrl("http://hl7.org/fhir/StructureDefinition/translation")
                .stream().filter(t -> "en".equals(t.getExtensionString("lang"))).findFirst().orElseThrow().getExtensionString("content");
        assertEquals(List.of("demo-wellbeing-prom"), ids("?title:contains=" + encode(english.substring(english.length() / 2))));
        assertEquals(List.of("demo-wellbeing-prom"), ids("?title=" + encode(prom.getTitle().substring(0, 10))));

        Bundle paged = fhir.get("/fhir/Questionnaire?_count=1").resource(Bundle.class);
        assertEquals(1, paged.getEntry().size());
        assertTrue(paged.getTotal() >= 2);
        assertTrue(paged.getLink("next").getUrl().contains("_offset=1"));
    }

    private List<String> ids(String query) {
        Bundle bundle = fhir.get("/fhir/Questionnaire" + query).resource(Bundle.class);
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).sorted().toList();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Search parameter names without their modifiers ({@code name:exact} → {@code name}). */
    private static Set<String> base(Set<String> parameters) {
        return parameters.stream().map(p -> p.split(":")[0]).collect(Collectors.toSet());
    }

    private static CapabilityStatementRestResourceComponent resource(CapabilityStatement cs, String type) {
        return cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow();
    }

    private static Set<String> interactions(CapabilityStatementRestResourceComponent resource) {
        return resource.getInteraction().stream().map(i -> i.getCode().toCode()).collect(Collectors.toSet());
    }
}
