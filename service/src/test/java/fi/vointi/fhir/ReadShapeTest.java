package fi.vointi.fhir;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code _summary} and {@code _elements} on reads (issue 19), as they already work on searches: the resource comes
 * shaped and tagged {@code SUBSETTED}, in JSON and XML; {@code _summary=false} is the whole resource; unknown values
 * and element names are 400 with an OperationOutcome; access stays the read's (another patient's id is still 404).
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadShapeTest {
    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    @Inject
    EmbeddedServer server;
    @Inject
    fi.vointi.security.DevTokenIssuer issuer;

    FhirTestClient patient;
    String responseId;
    String observationId;

    @BeforeAll
    void aCompletedResponse() {
        String patientId = UUID.randomUUID().toString();
        patient = new FhirTestClient(server).as(new Tokens(issuer).patient(patientId));
        Questionnaire prom = patient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        Reply created = patient.post("/fhir/QuestionnaireResponse",
                ResponseBuilder.answering(prom).answerAllRequired().build("completed", "Patient/" + patientId));
        assertEquals(201, created.status(), created.body());
        responseId = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        String bundle = patient.get("/fhir/Observation?patient=" + patientId + "&_count=1").body();
        observationId = CONTEXT.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, bundle)
                .getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    @Test
    void elementsKeepOnlyTheNamedElementsAndMarkTheResourceSubsetted() {
        Reply reply = patient.get("/fhir/QuestionnaireResponse/" + responseId + "?_elements=status,authored");
        assertEquals(200, reply.status(), reply.body());
        QuestionnaireResponse shaped = reply.resource(QuestionnaireResponse.class);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED, shaped.getStatus());
        assertTrue(shaped.hasAuthored());
        assertFalse(shaped.hasItem(), "answers left out");
        assertFalse(shaped.hasSubject(), "subject left out");
        assertEquals(responseId, shaped.getIdElement().getIdPart());
        assertTrue(shaped.getMeta().getTag().stream().anyMatch(t -> "SUBSETTED".equals(t.getCode())), reply.body());
        assertEquals("W/\"1\"", reply.header("ETag"));

        Reply whole = patient.get("/fhir/QuestionnaireResponse/" + responseId);
        assertTrue(whole.resource(QuestionnaireResponse.class).hasItem());
        assertTrue(whole.resource(QuestionnaireResponse.class).getMeta().getTag().isEmpty(), "the stored resource is untouched");
        assertEquals(whole.body(), patient.get("/fhir/QuestionnaireResponse/" + responseId + "?_summary=false").body());
    }

    @Test
    void summaryTrueLeavesOutWhatIsNotInTheSummaryAlsoInXml() {
        Reply reply = patient.get("/fhir/Questionnaire/demo-wellbeing-prom?_summary=true&_format=xml");
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").startsWith("application/fhir+xml"), reply.header("Content-Type"));
        Questionnaire summary = CONTEXT.newXmlParser().parseResource(Questionnaire.class, reply.body());
        assertEquals("https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom", summary.getUrl());
        assertFalse(summary.hasItem(), "items are not summary elements");
        assertTrue(summary.getMeta().getTag().stream().anyMatch(t -> "SUBSETTED".equals(t.getCode())));

        Reply observation = patient.get("/fhir/Observation/" + observationId + "?_elements=code");
        assertEquals(200, observation.status(), observation.body());
        Observation shaped = observation.resource(Observation.class);
        assertTrue(shaped.hasCode());
        assertFalse(shaped.hasDerivedFrom());
    }

    @Test
    void unknownValuesAndElementsAreRefusedAndAccessIsTheReads() {
        for (String query : new String[]{"_summary=count", "_summary=bogus", "_elements=nonsense", "_elements=",
                "_summary=true&_elements=status", "_summary=true&_summary=data"}) {
            Reply reply = patient.get("/fhir/QuestionnaireResponse/" + responseId + "?" + query);
            assertEquals(400, reply.status(), query + ": " + reply.body());
            assertTrue(reply.body().contains("OperationOutcome"), reply.body());
        }
        FhirTestClient stranger = new FhirTestClient(server).as(new Tokens(issuer).patient(UUID.randomUUID().toString()));
        assertEquals(404, stranger.get("/fhir/QuestionnaireResponse/" + responseId + "?_elements=status").status());
    }
}
