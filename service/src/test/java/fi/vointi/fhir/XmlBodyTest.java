package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.adaptive.AdaptiveBanks;
import fi.vointi.organization.OrganizationLevel;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every FHIR endpoint that takes a resource body, once in JSON and once in XML: the same status and the same answer
 * (in the format asked for); a {@code text/plain} body is 415 and a malformed XML body 400, each an OperationOutcome.
 */
@MicronautTest(transactional = false)
class XmlBodyTest {
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    AdaptiveBanks banks;

    Tokens tokens;
    FhirTestClient anonymous;
    Questionnaire prom;
    String unit;

    /** One body-taking endpoint: how to call it with a fresh body, and what it answers. */
    record Case(String name, String method, Supplier<String> path, FhirTestClient client, Function<String, ? extends Resource> body,
                int status, String... headers) {
    }

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        unit = "unit-" + UUID.randomUUID();
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
    }

    List<Case> cases() {
        String patientId = UUID.randomUUID().toString();
        FhirTestClient patient = anonymous.as(tokens.patient(patientId));
        FhirTestClient clinician = anonymous.as(tokens.clinician(unit));
        FhirTestClient admin = anonymous.as(tokens.admin());
        FhirTestClient ehr = anonymous.as(tokens.system("test-ehr",
                "system/Encounter.c system/Task.c system/QuestionnaireResponse.crus"));
        String bank = banks.byId("demo-everyday-energy-bank").orElseThrow().canonical();
        String erased = UUID.randomUUID().toString();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("QuestionnaireResponse create", "POST", () -> "/fhir/QuestionnaireResponse", patient,
                path -> answers(patientId, "completed"), 201));
        cases.add(new Case("QuestionnaireResponse update", "PUT", () -> "/fhir/QuestionnaireResponse/"
                + draft(patient, patientId), patient,
                path -> (QuestionnaireResponse) answers(patientId, "completed").setId(path.substring(path.lastIndexOf('/') + 1)), 200));
        cases.add(new Case("Task create", "POST", () -> "/fhir/Task", clinician, path -> invitation(patientId), 201));
        cases.add(new Case("invitation link answer", "POST", () -> "/invitation/" + token(clinician, patientId)
                + "/QuestionnaireResponse", anonymous, path -> answers(null, "completed"), 201));
        for (String name : List.of("in", "questionnaire-response")) {
            cases.add(new Case("$next-question " + name, "POST", () -> "/fhir/Questionnaire/$next-question", anonymous, path -> {
                Parameters in = new Parameters();
                in.addParameter().setName(name).setResource(new QuestionnaireResponse()
                        .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS).setQuestionnaire(bank));
                return in;
            }, 200));
        }
        cases.add(new Case("Organization create", "POST", () -> "/fhir/Organization", admin, path -> {
            Organization county = new Organization().setName("Testialue " + UUID.randomUUID());
            county.addType(new CodeableConcept(new Coding(OrganizationLevel.SYSTEM, "county", null)));
            return county;
        }, 201));
        cases.add(new Case("$erase", "POST", () -> "/fhir/Patient/" + erased + "/$erase", admin, path -> {
            Parameters parameters = new Parameters();
            parameters.addParameter().setName("mode").setValue(new StringType("pseudonymise"));
            return parameters;
        }, 200));
        cases.add(new Case("$everything", "POST", () -> "/fhir/Patient/" + patientId + "/$everything", admin,
                path -> new Parameters(), 200));
        // refused after the parse for the same reason whatever the format: the diagnostics show what was read
        cases.add(new Case("Encounter (not finished)", "POST", () -> "/fhir/Encounter", ehr, path -> unfinishedVisit(), 422));
        cases.add(new Case("transaction Bundle", "POST", () -> "/fhir", ehr, path -> {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            bundle.addEntry().setResource(unfinishedVisit()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
            return bundle;
        }, 422));
        cases.add(new Case("CarePlan (unknown protocol)", "POST", () -> "/fhir/CarePlan", clinician, path -> {
            CarePlan plan = new CarePlan().setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN);
            plan.addInstantiatesCanonical("https://vointi.fi/fhir/PlanDefinition/no-such-protocol");
            plan.setSubject(new Reference("Patient/" + patientId));
            return plan;
        }, 422));
        cases.add(new Case("Subscription (unknown topic)", "POST", () -> "/fhir/Subscription", ehr, path -> {
            Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED)
                    .setReason("test").setCriteria("https://vointi.fi/fhir/SubscriptionTopic/no-such-topic");
            subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                    .setEndpoint("https://ehr.example/hook").setPayload("application/fhir+json");
            return subscription;
        }, 422));
        return cases;
    }

    @Test
    void everyBodyTakingEndpointAnswersXmlAsItAnswersJson() {
        for (Case c : cases()) {
            Reply json = send(c, resource -> FhirTestClient.encode(resource), "application/fhir+json", "application/fhir+json");
            Reply xml = send(c, resource -> FHIR.newXmlParser().encodeResourceToString(resource), "application/fhir+xml",
                    "application/fhir+xml");
            assertEquals(c.status(), json.status(), () -> c.name() + " (JSON): " + json.body());
            assertEquals(c.status(), xml.status(), () -> c.name() + " (XML): " + xml.body());
            assertTrue(xml.header("Content-Type").startsWith("application/fhir+xml"), c.name() + ": " + xml.header("Content-Type"));
            IBaseResource fromJson = FHIR.newJsonParser().parseResource(json.body());
            IBaseResource fromXml = FHIR.newXmlParser().parseResource(xml.body());
            assertEquals(fromJson.fhirType(), fromXml.fhirType(), c.name());
            assertEquals(summary(fromJson), summary(fromXml), c.name());

            // plain application/xml in, JSON out (no Accept: the default)
            Reply plainXml = send(c, resource -> FHIR.newXmlParser().encodeResourceToString(resource), "application/xml", null);
            assertEquals(c.status(), plainXml.status(), () -> c.name() + " (application/xml): " + plainXml.body());
            assertTrue(plainXml.header("Content-Type").startsWith("application/fhir+json"), c.name());

            send(c, resource -> FhirTestClient.encode(resource), "text/plain", "application/fhir+json").outcome(415);
            Reply malformed = send(c, resource -> "<QuestionnaireResponse xmlns=\"http://hl7.org/fhir\"><status value=\"completed\"/>",
                    "application/fhir+xml", "application/fhir+json");
            String diagnostics = malformed.outcome(400);
            assertTrue(diagnostics.contains("XML"), c.name() + ": " + diagnostics);
        }
    }

    @Test
    void hostileOrWrongXmlIsRefusedWith400() {
        FhirTestClient patient = anonymous.as(tokens.patient(UUID.randomUUID().toString()));
        String path = "/fhir/QuestionnaireResponse";
        // an entity that would read a file, and one that would expand a billion times
        assertTrue(post(patient, path, "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<QuestionnaireResponse xmlns=\"http://hl7.org/fhir\"><status value=\"&x;\"/></QuestionnaireResponse>")
                .outcome(400).contains("XML"));
        assertTrue(post(patient, path, "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                + "<QuestionnaireResponse xmlns=\"http://hl7.org/fhir\"><status value=\"&b;\"/></QuestionnaireResponse>")
                .outcome(400).contains("XML"));
        // nesting beyond the JSON limit, before HAPI sees it
        String deep = "<QuestionnaireResponse xmlns=\"http://hl7.org/fhir\">" + "<item>".repeat(5000) + "</item>".repeat(5000)
                + "</QuestionnaireResponse>";
        assertTrue(post(patient, path, deep).outcome(400).contains("nested"));
        // an unknown element, a wrong resource type, a decimal beyond the number limits
        assertTrue(post(patient, path, "<QuestionnaireResponse xmlns=\"http://hl7.org/fhir\"><bogus value=\"1\"/>"
                + "</QuestionnaireResponse>").outcome(400).contains("bogus"));
        assertTrue(post(patient, path, FHIR.newXmlParser().encodeResourceToString(new Task())).outcome(400)
                .contains("QuestionnaireResponse"));
        QuestionnaireResponse big = answers(null, "completed");
        big.addExtension("https://example.org/x", new org.hl7.fhir.r4.model.DecimalType("1"));
        String xml = FHIR.newXmlParser().encodeResourceToString(big).replace("<valueDecimal value=\"1\"", "<valueDecimal value=\"1e1000000\"");
        long started = System.nanoTime();
        assertTrue(post(patient, path, xml).outcome(400).contains("exponent"));
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "refused at once");
        // a control character as a character reference (XML 1.1 allows it)
        assertTrue(post(patient, path, "<?xml version=\"1.1\"?><QuestionnaireResponse xmlns=\"http://hl7.org/fhir\">"
                + "<status value=\"completed&#1;\"/></QuestionnaireResponse>").status() == 400);
    }

    private Reply post(FhirTestClient client, String path, String xml) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).POST(HttpRequest.BodyPublishers.ofString(xml))
                .header("Content-Type", "application/fhir+xml").header("Accept", "application/fhir+json"));
    }

    private Reply send(Case c, Function<Resource, String> encoding, String contentType, String accept) {
        String path = c.path().get();
        String body = encoding.apply(c.body().apply(path));
        HttpRequest.Builder request = HttpRequest.newBuilder(c.client().uri(path))
                .method(c.method(), HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", contentType);
        if (accept != null) {
            request.header("Accept", accept);
        }
        for (int i = 0; i + 1 < c.headers().length; i += 2) {
            request.header(c.headers()[i], c.headers()[i + 1]);
        }
        Reply reply = c.client().send(request);
        assertFalse(reply.body().contains("\tat ") || reply.body().contains("Exception"), c.name() + ": " + reply.body());
        return reply;
    }

    /** What must agree between the JSON and the XML answer: the outcome's text, or the resource's status and parts. */
    private static String summary(IBaseResource resource) {
        if (resource instanceof OperationOutcome outcome) {
            return outcome.getIssue().stream().map(i -> i.getCode() + ": " + i.getDiagnostics()).collect(Collectors.joining("\n"));
        }
        if (resource instanceof Parameters parameters) {
            return parameters.getParameter().stream().map(p -> p.getName() + "=" + (p.hasResource()
                    ? p.getResource().fhirType() : p.getValue() == null ? "" : p.getValue().primitiveValue()))
                    .collect(Collectors.joining(","));
        }
        if (resource instanceof QuestionnaireResponse response) {
            return response.getStatus() + " " + response.getQuestionnaire() + " " + response.getItem().size();
        }
        if (resource instanceof Task task) {
            return task.getStatus() + " " + task.getInputFirstRep().getValue().primitiveValue();
        }
        if (resource instanceof Organization organization) {
            return organization.getTypeFirstRep().getCodingFirstRep().getCode();
        }
        return resource.fhirType();
    }

    QuestionnaireResponse answers(String patientId, String status) {
        return ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build(status, patientId == null ? null : "Patient/" + patientId);
    }

    /** A new in-progress response of the patient's; returns its id. */
    String draft(FhirTestClient patient, String patientId) {
        Reply reply = patient.post("/fhir/QuestionnaireResponse", answers(patientId, "in-progress"));
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    Task invitation(String patientId) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patientId));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(PROM_URL));
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        return task;
    }

    /** The link token of a new invitation. */
    String token(FhirTestClient clinician, String patientId) {
        Reply reply = clinician.post("/fhir/Task", invitation(patientId));
        assertEquals(201, reply.status(), reply.body());
        String link = reply.resource(Task.class).getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/invitation-link")
                .getValue().primitiveValue();
        return link.substring(link.lastIndexOf('/') + 1);
    }

    static Encounter unfinishedVisit() {
        Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.INPROGRESS);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
        encounter.setServiceProvider(new Reference("Organization/demo-unit-health-centre"));
        return encounter;
    }
}
