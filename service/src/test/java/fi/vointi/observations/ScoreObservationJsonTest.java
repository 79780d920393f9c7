package fi.vointi.observations;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.fhir.FhirContexts;
import fi.vointi.scoring.Band;
import fi.vointi.scoring.NoValueReason;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct writer of score Observations (issue 19) against HAPI's encoder: the same text, byte for byte, for every
 * shape {@link ObservationFactory} builds, and no text at all for anything it does not cover.
 */
class ScoreObservationJsonTest {
    /** The service's context: its parser options decide how references are written. */
    private static final FhirContext FHIR = FhirContexts.r4();
    private static final String[] TEXTS = {"Uni", "Kokonaispistemäärä", "Trötthet i vardagen – självskattning för unga",
            "quote \" backslash \\ slash / tab \t newline \n", "control \u0001\u001f del \u007f", "emoji 😊 and </script>",
            "  spaces around  ", "Ω≈ç√∫", "", "   ", "\u2028 line separator \u00a0 no-break space"};
    private static final BigDecimal[] VALUES = {new BigDecimal("20"), new BigDecimal("6.0"), new BigDecimal("57.30"),
            new BigDecimal("-0.5200"), new BigDecimal("0"), new BigDecimal("1E+2"), new BigDecimal("0.000001"),
            new BigDecimal("123456789.123456789"), new BigDecimal("-3")};
    private static final String[] AUTHORED = {"2026-11-20T10:15:00+02:00", "2026-12-01T23:59:59.123Z", "2027-03-14T09:58:40.5+03:00",
            "2026-12-01", "2026-12", "2026-12-01T00:00:00-11:00"};

    @Test
    void writesWhatHapiWritesForEveryShapeTheFactoryBuilds() {
        Random random = new Random(19);
        int checked = 0;
        for (int i = 0; i < 2_000; i++) {
            Observation observation = randomScore(random);
            assertSameAsHapi(observation);
            checked++;
        }
        assertEquals(2_000, checked);
    }

    @Test
    void writesStoredScoresAsTheyWereStored() {
        // the text PackedObservationJsonTest holds: what HAPI stored for a demo-PROM score
        Observation parsed = FHIR.newJsonParser().parseResource(Observation.class, PackedObservationJsonTest.SLEEP_SCORE);
        assertEquals(PackedObservationJsonTest.SLEEP_SCORE, ScoreObservationJson.write(parsed).orElseThrow());
        // written by hand (performer before issued): as a parsed resource it is written in the definition's order
        assertSameAsHapi(FHIR.newJsonParser().parseResource(Observation.class, PackedObservationJsonTest.SWEDISH_CAT_SCORE));
    }

    @Test
    void leavesToHapiWhatItDoesNotCover() {
        List<Consumer<Observation>> beyond = List.of(
                o -> o.addExtension(new Extension("https://example.org/x", new StringType("x"))),
                o -> o.addModifierExtension(new Extension("https://example.org/x", new StringType("x"))),
                o -> o.addNote(new Annotation().setText("Provisional score")),
                o -> o.getCode().getCodingFirstRep().setId("c1"),
                o -> o.getCode().getCodingFirstRep().setVersion("1"),
                o -> o.getCode().getCodingFirstRep().setUserSelected(true),
                o -> o.getCode().getCodingFirstRep().getDisplayElement().addExtension(
                        new Extension("http://hl7.org/fhir/StructureDefinition/translation", new StringType("Sömn"))),
                o -> o.getStatusElement().setId("s"),
                o -> o.getMeta().addTag(new Coding("https://example.org", "t", null)),
                o -> o.getMeta().setSource("urn:x"),
                o -> o.getSubject().getIdentifier().setUse(Identifier.IdentifierUse.OFFICIAL),
                o -> o.getSubject().setResource(new RelatedPerson()),
                o -> o.setEncounter(new Reference("Encounter/1")),
                o -> o.addIdentifier().setValue("x"),
                o -> o.getValueQuantity().setComparator(org.hl7.fhir.r4.model.Quantity.QuantityComparator.LESS_THAN),
                o -> o.getComponentFirstRep().addInterpretation().setText("x"),
                o -> o.setValue(new StringType("text")),
                o -> o.setEffective(new org.hl7.fhir.r4.model.Period().setStartElement(new DateTimeType("2026-12-01"))),
                o -> o.getText().setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"),
                o -> o.setLanguage("fi"),
                o -> o.setIdElement(new org.hl7.fhir.r4.model.IdType("Observation", "a", "2")));
        Random random = new Random(7);
        for (int i = 0; i < beyond.size(); i++) {
            Observation observation = score(random, true);
            assertTrue(ScoreObservationJson.write(observation).isPresent(), "the plain score is covered");
            beyond.get(i).accept(observation);
            Optional<String> written = ScoreObservationJson.write(observation);
            assertTrue(written.isEmpty(), "change " + i + " must be left to HAPI, got " + written.orElse(""));
        }
    }

    private static void assertSameAsHapi(Observation observation) {
        String hapi = FHIR.newJsonParser().encodeResourceToString(observation);
        assertEquals(hapi, ScoreObservationJson.write(observation).orElseThrow(() -> new AssertionError("not covered: " + hapi)));
    }

    private static Observation randomScore(Random random) {
        return score(random, false);
    }

    /** A score as ObservationFactory builds it, with random choices of every branch it has. */
    private static Observation score(Random random, boolean withValue) {
        Questionnaire questionnaire = new Questionnaire().setUrl("https://vointi.fi/fhir/Questionnaire/demo-" + random.nextInt(5))
                .setVersion("1." + random.nextInt(3) + ".0");
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setId(UUID.randomUUID().toString());
        response.getMeta().setVersionId(Integer.toString(1 + random.nextInt(4)));
        response.setAuthoredElement(new DateTimeType(pick(random, AUTHORED)));
        switch (random.nextInt(6)) {
            case 0 -> response.setSubject(new Reference("Patient/" + UUID.randomUUID()));
            case 4 -> response.setSubject(new Reference("Patient/p-2/_history/3")); // HAPI strips the version here
            case 5 -> response.setSubject(new Reference("https://ehr.example/fhir/Patient/p-3"));
            case 1 -> response.setSubject(new Reference("Patient/p-1").setDisplay(pick(random, TEXTS)));
            case 2 -> response.setSubject(new Reference().setType("Patient")
                    .setIdentifier(new Identifier().setSystem("urn:oid:1.2.246.21").setValue("010190-123A")));
            default -> { } // anonymous feedback has no subject
        }
        switch (random.nextInt(4)) {
            case 0 -> response.setAuthor(new Reference(response.getSubject().getReference()));
            case 1 -> response.setAuthor(new Reference("RelatedPerson/rp-" + random.nextInt(100)
                    + (random.nextBoolean() ? "/_history/2" : "")));
            case 2 -> {
                RelatedPerson guardian = new RelatedPerson();
                guardian.setId("answerer");
                if (random.nextBoolean()) {
                    guardian.addIdentifier().setSystem("https://vointi.fi/fhir/sid/guardian").setValue(pick(random, TEXTS));
                }
                response.addContained(guardian);
                response.setAuthor(new Reference("#answerer"));
            }
            default -> { }
        }
        BigDecimal value = withValue || random.nextInt(5) > 0 ? pick(random, VALUES) : null;
        Band band = value != null && random.nextBoolean()
                ? new Band(pick(random, new String[]{"mild", "moderate", "severe"}), pick(random, TEXTS), value, value) : null;
        boolean adaptive = random.nextBoolean();
        ExtractedScore score = new ExtractedScore("demo.score-" + random.nextInt(4), pick(random, TEXTS),
                pick(random, new String[]{"{score}", "{T-score}", "%"}), value,
                random.nextBoolean() ? pick(random, VALUES) : null, band,
                value == null ? NoValueReason.TOO_FEW_ANSWERS : null, random.nextInt(40), 1 + random.nextInt(40),
                adaptive ? pick(random, VALUES) : null, adaptive ? pick(random, VALUES) : null);
        ObservationStatus status = pick(random, new ObservationStatus[]{ObservationStatus.FINAL, ObservationStatus.AMENDED,
                ObservationStatus.PRELIMINARY, ObservationStatus.ENTEREDINERROR});
        Observation observation = ObservationFactory.build(UUID.randomUUID().toString(), status, questionnaire, response,
                score, new Date(1_790_000_000_000L + random.nextInt(1_000_000_000)));
        // as ObservationExtractor.row adds it
        observation.getMeta().setVersionId(Integer.toString(1 + random.nextInt(3)))
                .setLastUpdated(new Date(1_790_000_000_000L + random.nextInt(1_000_000_000)));
        return observation;
    }

    private static <T> T pick(Random random, T[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
