package fi.vointi.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The EHR's round trip continued with a Bulk Data export (issue 17), the way a vendor's client does it: the kick-off
 * with HAPI's generic client ({@code $export}, {@code Prefer: respond-async}, the status URL from
 * {@code Content-Location}), the status and the files with plain HTTP and the access token (the manifest is not a FHIR
 * resource, so a FHIR client does not read it), and every NDJSON line parsed by HAPI's JSON parser. Kept apart from
 * {@link EhrRoundTripTest} so that the two grow independently.
 */
@MicronautTest(transactional = false)
class EhrBulkRoundTripTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String EHR_SCOPES = "system/QuestionnaireResponse.crus system/Questionnaire.rs system/Task.crs";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    JsonMapper mapper;

    FhirContext context;
    IGenericClient ehr;
    Tokens tokens;
    String token;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        context = FhirContext.forR4();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        ehr = context.newRestfulGenericClient(server.getURI().resolve("/fhir").toString());
        token = tokens.system("demo-ehr", EHR_SCOPES);
        ehr.registerInterceptor(new BearerTokenAuthInterceptor(token));
    }

    @Test
    void ehrExportsWhatItInvitedAndThePatientSharedAndParsesEveryLineWithHapi() throws Exception {
        // the statement names the operation
        CapabilityStatement capabilities = ehr.capabilities().ofType(CapabilityStatement.class).execute();
        assertTrue(capabilities.getRestFirstRep().getOperation().stream().anyMatch(o -> o.getName().equals("export")),
                "system-level $export in the CapabilityStatement");

        // an invitation answered and shared, as in EhrRoundTripTest
        String patientId = "bulk-rt-" + UUID.randomUUID();
        Task invitation = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        invitation.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        invitation.setFor(new Reference("Patient/" + patientId));
        invitation.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(PROM_URL));
        invitation.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/unit-" + UUID.randomUUID()));
        MethodOutcome created = ehr.create().resource(invitation).execute();
        String taskId = created.getId().getIdPart();
        String link = ((Task) created.getResource()).getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/invitation-link")
                .getValue().primitiveValue();
        FhirTestClient anonymous = new FhirTestClient(server);
        Questionnaire prom = ehr.read().resource(Questionnaire.class).withId("demo-wellbeing-prom").execute();
        QuestionnaireResponse answers = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", null);
        FhirTestClient.Reply answered = anonymous.post("/invitation/" + link.substring(link.lastIndexOf('/') + 1)
                + "/QuestionnaireResponse", answers);
        assertEquals(201, answered.status(), answered.body());
        String responseId = answered.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        assertEquals(200, anonymous.as(tokens.patient(patientId))
                .post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());

        // kick-off with the generic client: 202, the status URL in Content-Location
        MethodOutcome kickOff = ehr.operation().onServer().named("$export")
                .withParameter(Parameters.class, "_type", new org.hl7.fhir.r4.model.StringType("QuestionnaireResponse,Observation,Consent,Task,Questionnaire"))
                .useHttpGet().withAdditionalHeader("Prefer", "respond-async").returnMethodOutcome().execute();
        assertEquals(202, kickOff.getResponseStatusCode());
        assertTrue(kickOff.getOperationOutcome() instanceof OperationOutcome, "an informational OperationOutcome");
        List<String> location = kickOff.getResponseHeaders().get("content-location");
        assertTrue(location != null && location.size() == 1, kickOff.getResponseHeaders().toString());

        Map<String, Object> manifest = poll(location.get(0));
        assertEquals(Boolean.TRUE, manifest.get("requiresAccessToken"));
        Map<String, List<IBaseResource>> exported = download(manifest);
        assertEquals(List.of("QuestionnaireResponse", "Observation", "Consent", "Task", "Questionnaire"), List.copyOf(exported.keySet()));

        QuestionnaireResponse response = one(exported, QuestionnaireResponse.class, responseId);
        assertEquals("Patient/" + patientId, response.getSubject().getReference());
        List<Observation> scores = exported.get("Observation").stream().map(Observation.class::cast)
                .filter(o -> o.getDerivedFrom().stream().anyMatch(r -> r.getReference().contains("QuestionnaireResponse/" + responseId)))
                .toList();
        assertFalse(scores.isEmpty(), "the response's scores");
        assertTrue(exported.get("Consent").stream().map(Consent.class::cast).anyMatch(c -> c.getStatus() == Consent.ConsentState.ACTIVE
                && c.getProvision().getDataFirstRep().getReference().getReference().equals("QuestionnaireResponse/" + responseId)));
        Task task = one(exported, Task.class, taskId);
        assertEquals(Task.TaskStatus.COMPLETED, task.getStatus());
        assertEquals("QuestionnaireResponse/" + responseId, ((Reference) task.getOutputFirstRep().getValue()).getReference());
        one(exported, Questionnaire.class, "demo-wellbeing-prom");

        // the same resource by read and by export
        QuestionnaireResponse read = ehr.read().resource(QuestionnaireResponse.class).withId(responseId).execute();
        IParser parser = context.newJsonParser();
        read.setMeta(null);
        response.setMeta(null);
        assertEquals(parser.encodeResourceToString(read), parser.encodeResourceToString(response));
    }

    private <T extends IBaseResource> T one(Map<String, List<IBaseResource>> exported, Class<T> type, String id) {
        return exported.getOrDefault(context.getResourceType(type), List.of()).stream()
                .filter(r -> r.getIdElement().getIdPart().equals(id)).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + "/" + id + " not exported"));
    }

    private HttpResponse<String> get(String url, String accept) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Bearer " + token)
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> poll(String statusUrl) throws IOException, InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(giveUp)) {
            HttpResponse<String> status = get(statusUrl, "application/json");
            if (status.statusCode() == 200) {
                return mapper.readValue(status.body(), Map.class);
            }
            assertEquals(202, status.statusCode(), status.body());
            Thread.sleep(100);
        }
        return fail("export did not finish");
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<IBaseResource>> download(Map<String, Object> manifest) throws IOException, InterruptedException {
        Map<String, List<IBaseResource>> byType = new LinkedHashMap<>();
        IParser parser = context.newJsonParser();
        for (Map<String, Object> output : (List<Map<String, Object>>) manifest.get("output")) {
            HttpResponse<String> file = get((String) output.get("url"), "application/fhir+ndjson");
            assertEquals(200, file.statusCode(), file.body());
            String[] lines = file.body().split("\n");
            assertEquals(((Number) output.get("count")).intValue(), lines.length);
            for (String line : lines) {
                IBaseResource resource = parser.parseResource(line);
                assertEquals(output.get("type"), context.getResourceType(resource), line);
                byType.computeIfAbsent((String) output.get("type"), t -> new ArrayList<>()).add(resource);
            }
        }
        return byType;
    }
}
