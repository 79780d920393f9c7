package fi.vointi.observations;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Completing the demo PROM over HTTP yields one Observation per score with hand-computed values
 * (docs/scoring.md: items 0–4, mood.3 reversed, a domain scored when at least 2 of its items are answered,
 * prorated sum = S × n / a rounded to 2 decimals; total bands none 0–10, mild 10.01–20, moderate 20.01–30).
 */
@MicronautTest
class ObservationExtractionTest {
    static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom|1.2.0";
    static final String SCORE = ScoreCodes.SCORE_SYSTEM;

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;
    @Inject
    fi.vointi.catalog.QuestionnaireCatalog catalog;

    Tokens tokens;
    FhirTestClient anonymous;
    String patient;
    FhirTestClient asPatient;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        patient = "obs-" + UUID.randomUUID();
        asPatient = anonymous.as(tokens.patient(patient));
    }

    /** The demo PROM answered with the given 0–4 values (null = skipped); pain.any = no. */
    static QuestionnaireResponse prom(String patient, String status, String authored, Map<String, Integer> answers) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setQuestionnaire(PROM);
        r.setStatus(QuestionnaireResponseStatus.fromCode(status));
        r.setSubject(new Reference("Patient/" + patient));
        r.setAuthoredElement(new DateTimeType(authored));
        for (String group : List.of("sleep", "mood", "activity")) {
            QuestionnaireResponseItemComponent g = new QuestionnaireResponseItemComponent().setLinkId(group);
            answers.forEach((linkId, value) -> {
                if (linkId.startsWith(group + ".") && value != null) {
                    String system = group.equals("activity") ? "https://vointi.fi/fhir/CodeSystem/frequency-5"
                            : "https://vointi.fi/fhir/CodeSystem/frequency-5";
                    g.addItem().setLinkId(linkId).addAnswer().setValue(new Coding(system, Integer.toString(value), null));
                }
            });
            if (g.hasItem()) {
                r.addItem(g);
            }
        }
        r.addItem().setLinkId("pain").addItem().setLinkId("pain.any").addAnswer().setValue(new BooleanType(false));
        return r;
    }

    static Map<String, Integer> answers(Object... pairs) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return map;
    }

    /** sleep 3,2,– ; mood 2,1,4(rev→0),3 ; activity 4,–,– */
    static Map<String, Integer> firstAnswers() {
        return answers("sleep.1", 3, "sleep.2", 2, "mood.1", 2, "mood.2", 1, "mood.3", 4, "mood.4", 3, "activity.1", 4);
    }

    Map<String, Observation> observationsOf(FhirTestClient client, String responseId) {
        Reply reply = client.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Bundle.class).getEntry().stream().map(e -> (Observation) e.getResource())
                .collect(Collectors.toMap(o -> o.getCode().getCodingFirstRep().getCode(), o -> o));
    }

    static BigDecimal value(Observation o) {
        return o.getValueQuantity().getValue();
    }

    static ObservationComponentComponent component(Observation o, String code) {
        return o.getComponent().stream().filter(c -> code.equals(c.getCode().getCodingFirstRep().getCode())).findFirst().orElse(null);
    }

    @Test
    void completingTheDemoPromYieldsHandComputedObservations() {
        Reply created = asPatient.post("/fhir/QuestionnaireResponse", prom(patient, "completed", "2026-03-02T09:30:00+02:00", firstAnswers()));
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();

        Map<String, Observation> byCode = observationsOf(asPatient, id);
        assertEquals(java.util.Set.of("demo-wellbeing-prom.sleep", "demo-wellbeing-prom.mood", "demo-wellbeing-prom.activity",
                "demo-wellbeing-prom.total"), byCode.keySet());
        for (Observation o : byCode.values()) {
            assertEquals(Observation.ObservationStatus.FINAL, o.getStatus());
            assertEquals("Patient/" + patient, o.getSubject().getReference());
            // effective is the response's authored: the time the patient completed it (not the client's 2026-03-02)
            assertEquals(created.resource(QuestionnaireResponse.class).getAuthoredElement().getValueAsString(),
                    o.getEffectiveDateTimeType().getValueAsString());
            assertEquals("QuestionnaireResponse/" + id + "/_history/1", o.getDerivedFromFirstRep().getReference());
            assertEquals(SCORE, o.getCode().getCodingFirstRep().getSystem());
            assertEquals("survey", o.getCategoryFirstRep().getCodingFirstRep().getCode());
            assertEquals("1", o.getMeta().getVersionId());
        }
        // sleep: 2 of 3 answered (3 + 2 = 5), prorated to 3 items: 5 × 3 / 2 = 7.5
        Observation sleep = byCode.get("demo-wellbeing-prom.sleep");
        assertEquals(0, new BigDecimal("7.5").compareTo(value(sleep)));
        assertEquals("{score}", sleep.getValueQuantity().getCode());
        assertEquals("http://unitsofmeasure.org", sleep.getValueQuantity().getSystem());
        assertEquals(2, ((IntegerType) component(sleep, "items-answered").getValue()).getValue());
        // mood: 2 + 1 + (4 − 4 + 0 = 0, reversed) + 3 = 6
        assertEquals(0, new BigDecimal("6").compareTo(value(byCode.get("demo-wellbeing-prom.mood"))));
        // activity: 1 of 3 answered, fewer than 2: no value, and why
        Observation activity = byCode.get("demo-wellbeing-prom.activity");
        assertFalse(activity.hasValue());
        assertEquals("not-performed", activity.getDataAbsentReason().getCodingFirstRep().getCode());
        assertTrue(activity.getDataAbsentReason().getText().contains("1 of 3"), activity.getDataAbsentReason().getText());
        // total: 7 of 10 answered, S = 5 + 6 + 4 = 15, prorated 15 × 10 / 7 = 21.428… → 21.43, band moderate
        Observation total = byCode.get("demo-wellbeing-prom.total");
        assertEquals(0, new BigDecimal("21.43").compareTo(value(total)));
        assertEquals("moderate", total.getInterpretationFirstRep().getCodingFirstRep().getCode());
        assertEquals(ScoreCodes.BAND_SYSTEM, total.getInterpretationFirstRep().getCodingFirstRep().getSystem());
        assertNull(component(total, "standard-error"), "sum scores without a lookup table have no SE");

        // read by id; every Observation is valid R4 with codes from our CodeSystems (HAPI instance validator)
        Reply read = asPatient.get("/fhir/Observation/" + total.getIdElement().getIdPart());
        assertEquals(200, read.status(), read.body());
        assertEquals(0, new BigDecimal("21.43").compareTo(value(read.resource(Observation.class))));
        for (Observation o : byCode.values()) {
            assertEquals(List.of(), catalog.validator().errors(o, List.of()).stream().map(m -> m.getLocationString() + ": "
                    + m.getMessage()).toList());
        }
    }

    @Test
    void inProgressAndStoppedResponsesAreNotScored() {
        Reply saved = asPatient.post("/fhir/QuestionnaireResponse", prom(patient, "in-progress", "2026-03-02T09:30:00+02:00", firstAnswers()));
        assertEquals(201, saved.status(), saved.body());
        String id = saved.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        assertTrue(observationsOf(asPatient, id).isEmpty());
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM observation WHERE response_id = ?", id));
    }

    @Test
    void amendingSupersedesTheObservationsAndKeepsTheirHistory() {
        Reply created = asPatient.post("/fhir/QuestionnaireResponse", prom(patient, "completed", "2026-03-02T09:30:00+02:00", firstAnswers()));
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        String id = stored.getIdElement().getIdPart();
        Map<String, Observation> before = observationsOf(asPatient, id);

        // activity 4, 2, 1 now all answered: activity = 7; total 9 of 10 answered, S = 5 + 6 + 7 = 18 → 18 × 10 / 9 = 20 (mild)
        Map<String, Integer> amendedAnswers = firstAnswers();
        amendedAnswers.put("activity.2", 2);
        amendedAnswers.put("activity.3", 1);
        QuestionnaireResponse amended = prom(patient, "amended", "2026-03-02T09:30:00+02:00", amendedAnswers);
        amended.setId(id);
        Reply updated = asPatient.put("/fhir/QuestionnaireResponse/" + id, amended);
        assertEquals(200, updated.status(), updated.body());

        Map<String, Observation> after = observationsOf(asPatient, id);
        assertEquals(before.keySet(), after.keySet());
        for (String code : after.keySet()) {
            Observation o = after.get(code);
            assertEquals(before.get(code).getIdElement().getIdPart(), o.getIdElement().getIdPart(), "same Observation, new version");
            assertEquals("2", o.getMeta().getVersionId());
            assertEquals(Observation.ObservationStatus.AMENDED, o.getStatus());
            assertEquals("QuestionnaireResponse/" + id + "/_history/2", o.getDerivedFromFirstRep().getReference());
        }
        assertEquals(0, new BigDecimal("7").compareTo(value(after.get("demo-wellbeing-prom.activity"))));
        Observation total = after.get("demo-wellbeing-prom.total");
        assertEquals(0, new BigDecimal("20").compareTo(value(total)));
        assertEquals("mild", total.getInterpretationFirstRep().getCodingFirstRep().getCode());

        // the superseded version is still there, unchanged
        Reply first = asPatient.get("/fhir/Observation/" + total.getIdElement().getIdPart() + "/_history/1");
        assertEquals(200, first.status(), first.body());
        Observation old = first.resource(Observation.class);
        assertEquals(Observation.ObservationStatus.FINAL, old.getStatus());
        assertEquals(0, new BigDecimal("21.43").compareTo(value(old)));
        assertEquals("QuestionnaireResponse/" + id + "/_history/1", old.getDerivedFromFirstRep().getReference());
        assertEquals(404, asPatient.get("/fhir/Observation/" + total.getIdElement().getIdPart() + "/_history/3").status());
        // a search on the first response version finds nothing current; on the second, all four
        assertEquals(0, asPatient.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + id + "/_history/1")
                .resource(Bundle.class).getEntry().size());
        assertEquals(4, asPatient.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + id + "/_history/2")
                .resource(Bundle.class).getEntry().size());
        assertEquals(4, Db.count(dataSource, "SELECT COUNT(*) FROM observation_history h JOIN observation o ON o.id = h.id"
                + " WHERE o.response_id = ?", id));

        // withdrawn as entered in error: every Observation follows
        QuestionnaireResponse withdrawn = updated.resource(QuestionnaireResponse.class);
        withdrawn.setStatus(QuestionnaireResponseStatus.ENTEREDINERROR);
        assertEquals(200, asPatient.put("/fhir/QuestionnaireResponse/" + id, withdrawn).status());
        observationsOf(asPatient, id).values().forEach(o -> {
            assertEquals(Observation.ObservationStatus.ENTEREDINERROR, o.getStatus());
            assertEquals("3", o.getMeta().getVersionId());
        });
    }

    @Test
    void aResponseThatCannotBeStoredLeavesNoObservations() {
        long before = Db.count(dataSource, "SELECT COUNT(*) FROM observation");
        QuestionnaireResponse bad = prom(patient, "completed", "2026-03-02T09:30:00+02:00", firstAnswers());
        bad.getItemFirstRep().getItemFirstRep().getAnswerFirstRep().setValue(new Coding("https://vointi.fi/fhir/CodeSystem/frequency-5", "9", null));
        Reply refused = asPatient.post("/fhir/QuestionnaireResponse", bad);
        assertEquals(422, refused.status(), refused.body());
        assertEquals(before, Db.count(dataSource, "SELECT COUNT(*) FROM observation"));
    }

    @Test
    void searchBySubjectCodeDateWithSortingAndPaging() {
        String[] dates = {"2026-01-10T10:00:00+02:00", "2026-02-10T10:00:00+02:00", "2026-03-10T10:00:00+02:00"};
        // answers given on those dates, brought by a history import (only such a backend client dates answers itself)
        FhirTestClient importer = anonymous.as(tokens.system("history-import", "system/QuestionnaireResponse.c"));
        for (String date : dates) {
            assertEquals(201, importer.post("/fhir/QuestionnaireResponse", prom(patient, "completed", date, firstAnswers())).status());
        }
        String total = SCORE + "%7Cdemo-wellbeing-prom.total";
        Bundle all = asPatient.get("/fhir/Observation?subject=Patient/" + patient + "&code=" + total + "&_sort=date").resource(Bundle.class);
        assertEquals(List.of("2026-01-10T10:00:00+02:00", "2026-02-10T10:00:00+02:00", "2026-03-10T10:00:00+02:00"),
                all.getEntry().stream().map(e -> ((Observation) e.getResource()).getEffectiveDateTimeType().getValueAsString()).toList());
        Bundle newestFirst = asPatient.get("/fhir/Observation?patient=" + patient + "&code=demo-wellbeing-prom.total&_sort=-date&_count=2")
                .resource(Bundle.class);
        assertEquals(2, newestFirst.getEntry().size());
        assertEquals("2026-03-10T10:00:00+02:00", ((Observation) newestFirst.getEntryFirstRep().getResource()).getEffectiveDateTimeType().getValueAsString());
        assertTrue(newestFirst.getLink("next") != null, "a next page");
        Bundle window = asPatient.get("/fhir/Observation?subject=Patient/" + patient + "&code=" + total
                + "&date=ge2026-02-01&date=le2026-02-28").resource(Bundle.class);
        assertEquals(1, window.getEntry().size());
        Bundle allScores = asPatient.get("/fhir/Observation?subject=Patient/" + patient + "&_count=50&_total=accurate").resource(Bundle.class);
        assertEquals(12, allScores.getTotal());

        // another patient sees none of it, and a read of one looks like an unknown id
        FhirTestClient other = anonymous.as(tokens.patient("obs-other-" + UUID.randomUUID()));
        assertEquals(0, other.get("/fhir/Observation?subject=Patient/" + patient).resource(Bundle.class).getEntry().size());
        String oneId = all.getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertEquals(404, other.get("/fhir/Observation/" + oneId).status());
        assertEquals(401, anonymous.get("/fhir/Observation?subject=Patient/" + patient).status());
        // bad search input: a clear 400
        assertEquals(400, asPatient.get("/fhir/Observation?derived-from=Patient/" + patient).status());
        assertEquals(400, asPatient.get("/fhir/Observation?date=yesterday").status());
        assertEquals(400, asPatient.get("/fhir/Observation?_sort=value").status());
        assertEquals(400, asPatient.get("/fhir/Observation?value-quantity=5").status());
    }

    @Test
    void cliniciansSeeScoresOnlyOfResponsesSharedWithTheirUnit() {
        String unit = "demo-unit-child-psychiatry";
        QuestionnaireResponse response = prom(patient, "completed", "2026-03-02T09:30:00+02:00", firstAnswers());
        response.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
        String id = asPatient.post("/fhir/QuestionnaireResponse", response).resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        FhirTestClient clinician = anonymous.as(tokens.clinician(unit));
        assertTrue(observationsOf(clinician, id).isEmpty(), "not shared yet");
        assertEquals(200, asPatient.post("/fhir/QuestionnaireResponse/" + id + "/$share", "").status());
        assertEquals(4, observationsOf(clinician, id).size());
        FhirTestClient otherUnit = anonymous.as(tokens.clinician("demo-unit-pain-clinic"));
        assertTrue(observationsOf(otherUnit, id).isEmpty());
        Observation total = observationsOf(clinician, id).get("demo-wellbeing-prom.total");
        assertEquals(0, new BigDecimal("21.43").compareTo(((Quantity) total.getValue()).getValue()));
    }
}
