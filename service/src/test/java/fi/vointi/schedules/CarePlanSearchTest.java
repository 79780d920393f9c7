package fi.vointi.schedules;

import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /fhir/CarePlan} (docs/schedules.md): only what the caller may read (the read's rule), filters, paging,
 * unknown parameters refused; the enrolments in the patient's {@code $everything}; and the clinician page's enrolment
 * form over plain HTTP: the same service, the cross-site refusal of every form, the audit row.
 */
@MicronautTest(transactional = false)
class CarePlanSearchTest {
    static final String UNIT = DemoUsers.UNIT_PAIN_CLINIC;
    static final String OTHER_UNIT = DemoUsers.UNIT_CHILD_PSYCHIATRY;

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient clinician;
    String patient;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        clinician = anonymous.as(tokens.clinician(UNIT));
        patient = "cps-" + UUID.randomUUID();
    }

    static CarePlan plan(String patientId, String unit) {
        CarePlan plan = new CarePlan();
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addInstantiatesCanonical(SchedulesTest.PROTOCOL);
        plan.setSubject(new Reference("Patient/" + patientId));
        // a week ahead: nothing is due yet, so no invitation is made by these tests
        plan.getPeriod().setStartElement(new DateTimeType(LocalDate.now(ZoneId.of("Europe/Helsinki")).plusDays(7).toString()));
        plan.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
        return plan;
    }

    String enrol(FhirTestClient as, String patientId, String unit) {
        Reply reply = as.post("/fhir/CarePlan", plan(patientId, unit));
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(CarePlan.class).getIdElement().getIdPart();
    }

    static List<String> ids(Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Bundle.class).getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    @Test
    void onlyWhatTheCallerMayReadNewestFirst() {
        String first = enrol(clinician, patient, UNIT);
        String second = enrol(clinician, patient, UNIT);
        String otherUnits = enrol(anonymous.as(tokens.clinician(OTHER_UNIT)), patient, OTHER_UNIT);
        String otherPatient = enrol(clinician, "cps-" + UUID.randomUUID(), UNIT);

        assertEquals(List.of(second, first), ids(clinician.get("/fhir/CarePlan?patient=" + patient)), "own unit's, newest first");
        assertEquals(List.of(second, first), ids(clinician.get("/fhir/CarePlan?subject=Patient/" + patient)));
        assertEquals(List.of(otherUnits), ids(anonymous.as(tokens.clinician(OTHER_UNIT)).get("/fhir/CarePlan?patient=" + patient)));
        assertTrue(ids(anonymous.as(tokens.clinician("cps-unit-" + UUID.randomUUID())).get("/fhir/CarePlan?patient=" + patient))
                .isEmpty(), "another unit's clinician sees nothing");
        List<String> own = ids(anonymous.as(tokens.patient(patient)).get("/fhir/CarePlan"));
        assertEquals(List.of(otherUnits, second, first), own, "the patient sees all of theirs, of any unit");
        assertFalse(own.contains(otherPatient));
        assertEquals(List.of(otherUnits, second, first), ids(anonymous.as(tokens.guardian(patient)).get("/fhir/CarePlan?patient=" + patient)));
        assertTrue(ids(anonymous.as(tokens.patient("cps-" + UUID.randomUUID())).get("/fhir/CarePlan?patient=" + patient)).isEmpty());
        assertEquals(3, ids(anonymous.as(tokens.system("cps-ehr", "system/CarePlan.s")).get("/fhir/CarePlan?patient=" + patient)).size());
        assertEquals(3, ids(anonymous.as(tokens.system("cps-ehr-r", "system/CarePlan.r")).get("/fhir/CarePlan?patient=" + patient)).size());
        anonymous.as(tokens.system("cps-tasks", "system/Task.crs")).get("/fhir/CarePlan?patient=" + patient).outcome(403);
        anonymous.get("/fhir/CarePlan?patient=" + patient).outcome(401);

        // a search result reads like the read: the activities, no contacts
        Bundle bundle = clinician.get("/fhir/CarePlan?_id=" + first).resource(Bundle.class);
        assertEquals(1, bundle.getEntry().size());
        CarePlan found = (CarePlan) bundle.getEntryFirstRep().getResource();
        assertEquals(4, found.getActivity().size());
        assertEquals("Patient/" + patient, found.getSubject().getReference());
        assertTrue(ids(clinician.get("/fhir/CarePlan?_id=" + otherUnits)).isEmpty(), "_id of another unit's: nothing");
    }

    @Test
    void statusFilterPagingAndTotal() {
        String a = enrol(clinician, patient, UNIT);
        String b = enrol(clinician, patient, UNIT);
        String c = enrol(clinician, patient, UNIT);
        CarePlan end = new CarePlan().setStatus(CarePlan.CarePlanStatus.REVOKED).setIntent(CarePlan.CarePlanIntent.PLAN);
        assertEquals(200, clinician.put("/fhir/CarePlan/" + b, end).status());

        assertEquals(List.of(c, a), ids(clinician.get("/fhir/CarePlan?patient=" + patient + "&status=active")));
        assertEquals(List.of(b), ids(clinician.get("/fhir/CarePlan?patient=" + patient + "&status=revoked")));
        assertEquals(List.of(c, b, a), ids(clinician.get("/fhir/CarePlan?patient=" + patient + "&status=active,revoked")));
        assertTrue(ids(clinician.get("/fhir/CarePlan?patient=" + patient + "&status=draft")).isEmpty());
        assertEquals(List.of(c, a), ids(clinician.get("/fhir/CarePlan?_id=" + a + "," + c)));

        Bundle page1 = clinician.get("/fhir/CarePlan?patient=" + patient + "&_count=2&_total=accurate").resource(Bundle.class);
        assertEquals(List.of(c, b), page1.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList());
        assertEquals(3, page1.getTotal());
        assertNotNull(page1.getLink("self"));
        assertNotNull(page1.getLink("next"), "a next page");
        Bundle page2 = clinician.get(page1.getLink("next").getUrl()).resource(Bundle.class);
        assertEquals(List.of(a), page2.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList());
        assertNull(page2.getLink("next"), "the last page");
        assertNotNull(page2.getLink("previous"));
        Bundle counted = clinician.get("/fhir/CarePlan?patient=" + patient + "&_summary=count").resource(Bundle.class);
        assertEquals(3, counted.getTotal());
        assertTrue(counted.getEntry().isEmpty());
    }

    @Test
    void badParametersAre400WithAnOutcome() {
        assertTrue(clinician.get("/fhir/CarePlan?category=x").outcome(400).contains("unknown search parameter"));
        clinician.get("/fhir/CarePlan?patient:missing=true").outcome(400);
        clinician.get("/fhir/CarePlan?_sort=date").outcome(400);
        clinician.get("/fhir/CarePlan?status=finished").outcome(400);
        clinician.get("/fhir/CarePlan?subject=Group/1").outcome(400);
        clinician.get("/fhir/CarePlan?_count=x").outcome(400);
        clinician.get("/fhir/CarePlan?patient=").outcome(400);
    }

    @Test
    void thePatientsEverythingHoldsTheirEnrolmentsWithoutContacts() {
        CarePlan plan = plan(patient, UNIT);
        plan.addExtension().setUrl("https://vointi.fi/fhir/StructureDefinition/invitation-recipient")
                .addExtension("contact", new org.hl7.fhir.r4.model.ContactPoint()
                        .setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.EMAIL).setValue("cps-patient@example.fi"));
        Reply created = clinician.post("/fhir/CarePlan", plan);
        // e-mail may not be configured in this test server: then the enrolment is made without messages
        String id = created.status() == 201 ? created.resource(CarePlan.class).getIdElement().getIdPart() : enrol(clinician, patient, UNIT);
        Reply everything = anonymous.as(tokens.patient(patient)).get("/fhir/Patient/" + patient + "/$everything");
        assertEquals(200, everything.status(), everything.body());
        List<CarePlan> plans = everything.resource(Bundle.class).getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(CarePlan.class::isInstance).map(CarePlan.class::cast).toList();
        assertEquals(List.of(id), plans.stream().map(p -> p.getIdElement().getIdPart()).toList());
        assertEquals(4, plans.get(0).getActivity().size());
        assertFalse(everything.body().contains("cps-patient@example.fi"), "contacts are never shown");
    }

    /** The clinician's form, posted as a browser would (without a browser: a bearer token instead of the session). */
    @Test
    void theClinicianFormEnrolsThroughTheServiceIsAuditedAndRefusesForeignOrigins() {
        String start = LocalDate.now(ZoneId.of("Europe/Helsinki")).plusDays(7).toString();
        Map<String, String> form = Map.of("lang", "en", "protocol", "demo-wellbeing-follow-up", "unit", UNIT, "start", start,
                "phone", "", "email", "", "messageLanguage", "fi");
        Reply foreign = formPost("/staff/patients/" + patient + "/schedules", form, "Origin", "https://evil.example");
        assertEquals(403, foreign.status());
        assertTrue(ids(clinician.get("/fhir/CarePlan?patient=" + patient)).isEmpty(), "nothing stored");

        Reply posted = formPost("/staff/patients/" + patient + "/schedules", form);
        assertEquals(303, posted.status(), posted.body());
        List<String> enrolled = ids(clinician.get("/fhir/CarePlan?patient=" + patient));
        assertEquals(1, enrolled.size());
        String id = enrolled.get(0);
        assertTrue(posted.header("Location").endsWith("#enrolment-" + id), posted.header("Location"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'create' AND entities LIKE ?",
                "%CarePlan/" + id + "%"));

        Reply badPhone = formPost("/staff/patients/" + patient + "/schedules", Map.of("lang", "en", "protocol",
                "demo-wellbeing-follow-up", "unit", UNIT, "start", "31.2.2026", "phone", "12ab", "email", "", "messageLanguage", "fi"));
        assertEquals(422, badPhone.status());
        assertTrue(badPhone.body().contains("value=\"12ab\""), "the value is kept");
        assertTrue(badPhone.body().contains("href=\"#schedule-phone\"") && badPhone.body().contains("href=\"#schedule-start\""));
        assertEquals(1, ids(clinician.get("/fhir/CarePlan?patient=" + patient)).size(), "nothing more stored");

        Reply otherUnit = formPost("/staff/patients/" + patient + "/schedules", Map.of("lang", "en", "protocol",
                "demo-wellbeing-follow-up", "unit", OTHER_UNIT, "start", start));
        assertEquals(422, otherUnit.status(), "not one of the clinician's units");

        Reply ended = formPost("/staff/patients/" + patient + "/schedules/" + id + "/end", Map.of("lang", "en", "status", "revoked"));
        assertEquals(303, ended.status(), ended.body());
        assertEquals("revoked", clinician.get("/fhir/CarePlan/" + id).resource(CarePlan.class).getStatus().toCode());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'update' AND entities LIKE ?",
                "%CarePlan/" + id + "%"));
        assertEquals(409, formPost("/staff/patients/" + patient + "/schedules/" + id + "/end",
                Map.of("lang", "en", "status", "completed")).status(), "already ended");
        String active = enrol(clinician, patient, UNIT);
        assertEquals(422, formPost("/staff/patients/someone-else/schedules/" + active + "/end",
                Map.of("lang", "en", "status", "completed")).status(), "not this patient's");
        assertEquals(404, formPost("/staff/patients/" + patient + "/schedules/" + UUID.randomUUID() + "/end",
                Map.of("lang", "en", "status", "completed")).status());
        assertEquals("active", clinician.get("/fhir/CarePlan/" + active).resource(CarePlan.class).getStatus().toCode());
    }

    Reply formPost(String path, Map<String, String> fields, String... headers) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(anonymous.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return clinician.send(request);
    }
}
