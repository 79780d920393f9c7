package fi.vointi.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An EHR's round trip with HAPI's generic FHIR client (not our HTTP code), as a vendor would write it: backend-services
 * token, capabilities, invite a patient (Task), the patient answers through the link and shares, the EHR reads the
 * response and pages through its score Observations, and receives the subscription notification of the share at its
 * rest-hook endpoint (a JDK HttpServer here). (Bulk export joins this test later.)
 */
@MicronautTest(transactional = false) // the service's own transactions are under test
class EhrRoundTripTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String EHR_SCOPES = "system/QuestionnaireResponse.crus system/Questionnaire.rs system/Task.crs";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    fi.vointi.subscriptions.SubscriptionSender subscriptionSender;

    FhirContext context;
    IGenericClient ehr;
    Tokens tokens;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        context = FhirContext.forR4();
        // the EHR reads the statement itself below; no automatic check before every request
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        ehr = context.newRestfulGenericClient(server.getURI().resolve("/fhir").toString());
        ehr.registerInterceptor(new BearerTokenAuthInterceptor(tokens.system("demo-ehr", EHR_SCOPES)));
    }

    @Test
    void ehrInvitesReadsTheSharedResponseAndPagesThroughItsScores() throws Exception {
        try (fi.vointi.subscriptions.HookStub hook = new fi.vointi.subscriptions.HookStub()) {
            roundTrip(hook);
        }
    }

    private void roundTrip(fi.vointi.subscriptions.HookStub hook) throws Exception {
        // 1. what the server offers, read as any FHIR client reads it
        CapabilityStatement capabilities = ehr.capabilities().ofType(CapabilityStatement.class).execute();
        assertEquals("4.0.1", capabilities.getFhirVersion().toCode());
        assertTrue(interactions(capabilities, "Task").contains("create"));
        assertTrue(resource(capabilities, "Observation").getSearchParam().stream().anyMatch(p -> p.getName().equals("derived-from")));

        // 2. invite a patient
        String patientId = "rt-" + UUID.randomUUID();
        String unit = "unit-" + UUID.randomUUID();
        Task invitation = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        invitation.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        invitation.setFor(new Reference("Patient/" + patientId));
        invitation.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(PROM_URL));
        invitation.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        MethodOutcome created = ehr.create().resource(invitation).execute();
        assertTrue(created.getCreated());
        String taskId = created.getId().getIdPart();
        Task stored = (Task) created.getResource();
        assertEquals(Task.TaskStatus.READY, stored.getStatus());
        String link = stored.getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/invitation-link").getValue().primitiveValue();
        String token = link.substring(link.lastIndexOf('/') + 1);

        // the EHR subscribes for the unit's shared responses (R4 Subscriptions Backport), id-only
        String backport = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
        org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
        subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED).setReason("EHR inbox");
        subscription.setCriteria("https://vointi.fi/fhir/SubscriptionTopic/response-shared");
        subscription.getCriteriaElement().addExtension(backport + "backport-filter-criteria",
                new org.hl7.fhir.r4.model.StringType("QuestionnaireResponse?service-unit=Organization/" + unit));
        subscription.getChannel().setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint(hook.url("/ehr/inbox")).setPayload("application/fhir+json")
                .getPayloadElement().addExtension(backport + "backport-payload-content", new org.hl7.fhir.r4.model.CodeType("id-only"));
        MethodOutcome subscribed = ehr.create().resource(subscription).execute();
        assertTrue(subscribed.getCreated());
        String subscriptionId = subscribed.getId().getIdPart();
        // the server's handshake (Backport IG): the subscription is requested until the endpoint answers it, then active
        awaitNotifications(hook, 1);
        org.hl7.fhir.r4.model.Parameters handshake = (org.hl7.fhir.r4.model.Parameters) context.newJsonParser()
                .parseResource(Bundle.class, hook.to("/ehr/inbox").get(0).body()).getEntryFirstRep().getResource();
        assertEquals("handshake", handshake.getParameter("type").getValue().primitiveValue());
        assertEquals(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.ACTIVE, ehr.read()
                .resource(org.hl7.fhir.r4.model.Subscription.class).withId(subscriptionId).execute().getStatus());

        // 3. the patient answers through the link, without logging in
        FhirTestClient anonymous = new FhirTestClient(server);
        Questionnaire prom = ehr.read().resource(Questionnaire.class).withId("demo-wellbeing-prom").execute();
        QuestionnaireResponse answers = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", null);
        FhirTestClient.Reply answered = anonymous.post("/invitation/" + token + "/QuestionnaireResponse", answers);
        assertEquals(201, answered.status(), answered.body());
        String responseId = answered.resource(QuestionnaireResponse.class).getIdElement().getIdPart();

        // private until shared: the EHR sees the Task completed, but neither the response nor its id
        Task done = ehr.read().resource(Task.class).withId(taskId).execute();
        assertEquals(Task.TaskStatus.COMPLETED, done.getStatus());
        assertFalse(done.hasOutput());
        assertThrows(ResourceNotFoundException.class,
                () -> ehr.read().resource(QuestionnaireResponse.class).withId(responseId).execute());

        // 4. the patient shares it
        FhirTestClient patient = anonymous.as(tokens.patient(patientId));
        FhirTestClient.Reply shared = patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "");
        assertEquals(200, shared.status(), shared.body());
        assertEquals(Consent.ConsentState.ACTIVE, shared.resource(Consent.class).getStatus());

        // the EHR's endpoint receives the notification: a history Bundle, SubscriptionStatus first, event 1 naming the response
        awaitNotifications(hook, 2);
        Bundle notification = context.newJsonParser().parseResource(Bundle.class, hook.to("/ehr/inbox").get(1).body());
        assertEquals(Bundle.BundleType.HISTORY, notification.getType());
        org.hl7.fhir.r4.model.Parameters status = (org.hl7.fhir.r4.model.Parameters) notification.getEntryFirstRep().getResource();
        assertEquals("event-notification", status.getParameter("type").getValue().primitiveValue());
        assertEquals("1", status.getParameter("events-since-subscription-start").getValue().primitiveValue());
        assertTrue(notification.getEntry().get(1).getFullUrl().endsWith("/QuestionnaireResponse/" + responseId));
        org.hl7.fhir.r4.model.Bundle statusBundle = ehr.operation().onInstance("Subscription/" + subscriptionId)
                .named("$status").withNoParameters(org.hl7.fhir.r4.model.Parameters.class).useHttpGet()
                .returnResourceType(Bundle.class).execute();
        assertEquals("1", ((org.hl7.fhir.r4.model.Parameters) statusBundle.getEntryFirstRep().getResource())
                .getParameter("events-since-subscription-start").getValue().primitiveValue());

        // 5. the EHR follows the Task's output to the response
        done = ehr.read().resource(Task.class).withId(taskId).execute();
        Reference output = (Reference) done.getOutputFirstRep().getValue();
        assertEquals("QuestionnaireResponse/" + responseId, output.getReference());
        QuestionnaireResponse response = ehr.read().resource(QuestionnaireResponse.class).withUrl(output.getReference()).execute();
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED, response.getStatus());
        assertEquals("Patient/" + patientId, response.getSubject().getReference());
        assertEquals(PROM_URL + "|" + prom.getVersion(), response.getQuestionnaire());
        Bundle byPatient = ehr.search().forResource(QuestionnaireResponse.class)
                .where(QuestionnaireResponse.SUBJECT.hasId("Patient/" + patientId)).returnBundle(Bundle.class).execute();
        assertEquals(List.of(responseId), byPatient.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList());

        // 6. its scores, two per page, following the next links with the client
        Bundle page = ehr.search().forResource(Observation.class)
                .where(new ReferenceClientParam("derived-from").hasId("QuestionnaireResponse/" + responseId))
                .count(2).totalMode(ca.uhn.fhir.rest.api.SearchTotalModeEnum.ACCURATE).returnBundle(Bundle.class).execute();
        int total = page.getTotal();
        assertTrue(total > 2, "more than one page of scores: " + total);
        List<Observation> scores = new ArrayList<>();
        int pages = 0;
        while (true) {
            pages++;
            page.getEntry().forEach(e -> scores.add((Observation) e.getResource()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            page = ehr.loadPage().next(page).execute();
        }
        assertEquals(total, scores.size());
        assertEquals((total + 1) / 2, pages);
        assertEquals(total, new HashSet<>(scores.stream().map(o -> o.getIdElement().getIdPart()).toList()).size(), "no score twice");
        for (Observation score : scores) {
            assertEquals("QuestionnaireResponse/" + responseId, score.getDerivedFromFirstRep().getReferenceElement().toUnqualifiedVersionless().getValue());
            assertEquals("Patient/" + patientId, score.getSubject().getReference());
            assertNotNull(score.getCode().getCodingFirstRep().getCode());
        }
        assertTrue(scores.stream().anyMatch(o -> o.getCode().getCodingFirstRep().getCode().equals("demo-wellbeing-prom.total")));

        // 7. withdrawn sharing closes it again, for the same client
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$withdraw-share", "").status());
        assertThrows(ResourceNotFoundException.class,
                () -> ehr.read().resource(QuestionnaireResponse.class).withId(responseId).execute());
    }

    private static CapabilityStatementRestResourceComponent resource(CapabilityStatement cs, String type) {
        return cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow();
    }

    private static List<String> interactions(CapabilityStatement cs, String type) {
        return resource(cs, type).getInteraction().stream().map(i -> i.getCode().toCode()).toList();
    }

    /** Runs sender rounds until the EHR's inbox holds {@code count} notifications (the scheduled sender may be first). */
    private void awaitNotifications(fi.vointi.subscriptions.HookStub hook, int count) throws InterruptedException {
        for (int round = 0; round < 40 && hook.to("/ehr/inbox").size() < count; round++) {
            subscriptionSender.sendDue();
            if (hook.to("/ehr/inbox").size() < count) {
                Thread.sleep(250);
            }
        }
        assertEquals(count, hook.to("/ehr/inbox").size());
    }
}
