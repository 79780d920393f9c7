package fi.vointi.organization;

import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static fi.vointi.organization.OrganizationFixtures.ORG;
import static fi.vointi.organization.OrganizationFixtures.create;
import static fi.vointi.organization.OrganizationFixtures.organization;
import static fi.vointi.organization.OrganizationFixtures.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A unit named in a staff token covers everything under it: an area manager reads the feedback of every unit of
 * the area and nothing outside it, in single reads and in searches, and a move changes that at once.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HierarchyAccessTest {
    static final String QR = "/fhir/QuestionnaireResponse";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient admin;
    Questionnaire feedback;
    Questionnaire prom;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    String county;
    String areaA;
    String areaB;
    String serviceA;
    String unitA1;
    String unitA2;
    String unitB;
    String feedbackA1;
    String feedbackA2;
    String feedbackB;

    @BeforeAll
    void createHierarchyAndFeedback() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        admin = anonymous.as(tokens.admin());
        feedback = anonymous.get("/fhir/Questionnaire/demo-customer-feedback").resource(Questionnaire.class);
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        county = create(admin, organization("county", "Pääsyalue " + run, null));
        areaA = create(admin, organization("area", "Alue A " + run, county));
        areaB = create(admin, organization("area", "Alue B " + run, county));
        serviceA = create(admin, organization("service", "Palvelu A " + run, areaA));
        String serviceB = create(admin, organization("service", "Palvelu B " + run, areaB));
        unitA1 = create(admin, unit("Yksikkö A1 " + run, serviceA, true));
        unitA2 = create(admin, unit("Yksikkö A2 " + run, serviceA, true));
        unitB = create(admin, unit("Yksikkö B " + run, serviceB, true));
        feedbackA1 = answer(unitA1);
        feedbackA2 = answer(unitA2);
        feedbackB = answer(unitB);
    }

    @Test
    void anAreaManagerSeesFeedbackOfUnitsUnderTheAreaOnly() {
        FhirTestClient areaManager = anonymous.as(tokens.unitManager(areaA));
        assertEquals(200, areaManager.get(QR + "/" + feedbackA1).status());
        assertEquals(200, areaManager.get(QR + "/" + feedbackA2 + "/_history/1").status());
        areaManager.get(QR + "/" + feedbackB).outcome(404);
        assertEquals(Set.of(feedbackA1, feedbackA2), search(areaManager));

        FhirTestClient serviceManager = anonymous.as(tokens.unitManager("Organization/" + serviceA));
        assertEquals(Set.of(feedbackA1, feedbackA2), search(serviceManager), "the claim may also name Organization/<id>");
        FhirTestClient countyManager = anonymous.as(tokens.unitManager(county));
        assertEquals(Set.of(feedbackA1, feedbackA2, feedbackB), search(countyManager));
        FhirTestClient unitManager = anonymous.as(tokens.unitManager(unitA1));
        assertEquals(Set.of(feedbackA1), search(unitManager), "a unit covers only itself");
        unitManager.get(QR + "/" + feedbackA2).outcome(404);
    }

    @Test
    void aClinicianOfAServiceSeesSharedResponsesOfItsUnits() {
        String patient = "p-" + run;
        FhirTestClient patientClient = anonymous.as(tokens.patient(patient));
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patient);
        response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unitA2));
        Reply created = patientClient.post(QR, response);
        assertEquals(201, created.status(), created::body);
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        FhirTestClient serviceClinician = anonymous.as(tokens.clinician(serviceA));
        serviceClinician.get(QR + "/" + id).outcome(404);
        assertEquals(200, patientClient.post(QR + "/" + id + "/$share", "{}").status());
        assertEquals(200, serviceClinician.get(QR + "/" + id).status());
        anonymous.as(tokens.clinician(areaB)).get(QR + "/" + id).outcome(404);
    }

    @Test
    void movingAServiceMovesItsUnitsOutOfTheOldAreasReach() {
        String[] ids = OrganizationFixtures.chain(admin, "siirto-" + run);
        String otherArea = create(admin, organization("area", "Siirtoalue " + run, ids[0]));
        String moved = answer(ids[3]);
        FhirTestClient oldAreaManager = anonymous.as(tokens.unitManager(ids[1]));
        FhirTestClient newAreaManager = anonymous.as(tokens.unitManager(otherArea));
        assertEquals(200, oldAreaManager.get(QR + "/" + moved).status());
        newAreaManager.get(QR + "/" + moved).outcome(404);

        Organization service = admin.get(ORG + "/" + ids[2]).resource(Organization.class);
        service.setPartOf(new Reference("Organization/" + otherArea));
        assertEquals(200, admin.put(ORG + "/" + ids[2], service, "If-Match", "W/\"1\"").status());
        oldAreaManager.get(QR + "/" + moved).outcome(404);
        assertEquals(200, newAreaManager.get(QR + "/" + moved).status());
    }

    private String answer(String unitId) {
        QuestionnaireResponse response = ResponseBuilder.answering(feedback).answerAllRequired().build("completed", null);
        response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unitId));
        Reply reply = anonymous.post(QR, response);
        assertEquals(201, reply.status(), reply::body);
        return reply.header("Location").replaceAll(".*/QuestionnaireResponse/([^/]+)/_history/.*", "$1");
    }

    /** Ids of this run's feedback responses the caller finds by searching. */
    private Set<String> search(FhirTestClient client) {
        Reply reply = client.get(QR + "?_count=200&questionnaire=" + feedback.getUrl());
        assertEquals(200, reply.status(), reply::body);
        Set<String> mine = Set.of(feedbackA1, feedbackA2, feedbackB);
        return reply.resource(Bundle.class).getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart())
                .filter(mine::contains).collect(Collectors.toSet());
    }
}
