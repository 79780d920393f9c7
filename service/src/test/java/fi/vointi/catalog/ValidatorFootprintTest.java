package fi.vointi.catalog;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar leaves out the FHIR models of other versions, Jena, PlantUML, XML signatures and SQLite (service/pom.xml).
 * This proves the HAPI validator still validates R4, our profiles and every bundled questionnaire without them — and
 * that they are really gone, so that a dependency change bringing them back is noticed.
 */
class ValidatorFootprintTest {
    private static final FhirContext CONTEXT = FhirContext.forR4Cached();
    private static final ClassLoader LOADER = ValidatorFootprintTest.class.getClassLoader();
    private static final List<IBaseResource> CONFORMANCE = ContentFiles.fromClasspath("fhir-profiles", LOADER).stream()
            .map(f -> (IBaseResource) CONTEXT.newJsonParser().parseResource(f.json())).toList();
    private static final ProfileValidator VALIDATOR = new ProfileValidator(CONTEXT, CONFORMANCE);

    @Test
    void everyBundledQuestionnairePassesOurProfile() {
        List<ContentFile> files = ContentFiles.fromClasspath("questionnaires", LOADER);
        assertTrue(files.size() >= 7, "the demo questionnaires are bundled");
        for (ContentFile file : files) {
            Questionnaire questionnaire = CONTEXT.newJsonParser().parseResource(Questionnaire.class, file.json());
            List<SingleValidationMessage> errors = VALIDATOR.errors(questionnaire, List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE));
            assertEquals(List.of(), errors.stream().map(SingleValidationMessage::getMessage).toList(), file.source());
        }
    }

    @Test
    void everyShippedProtocolValidatesWithItsRemindersExtension() {
        List<ContentFile> files = ContentFiles.fromClasspath("protocols", LOADER);
        assertFalse(files.isEmpty(), "the demo protocol is bundled");
        for (ContentFile file : files) {
            PlanDefinition plan = CONTEXT.newJsonParser().parseResource(PlanDefinition.class, file.json());
            List<SingleValidationMessage> errors = VALIDATOR.errors(plan, List.of());
            assertEquals(List.of(), errors.stream().map(SingleValidationMessage::getMessage).toList(), file.source());
        }
        // the validator knows schedule-reminders: a wrong type, an unknown part, a month or more than 3 reminders fail
        String demo = ContentFiles.fromClasspath("protocols", LOADER).stream()
                .filter(f -> f.source().contains("demo-wellbeing-follow-up")).findFirst().orElseThrow().json();
        for (String broken : List.of(
                demo.replace("{ \"url\": \"max\", \"valuePositiveInt\": 2 }", "{ \"url\": \"max\", \"valueString\": \"2\" }"),
                demo.replace("{ \"url\": \"max\", \"valuePositiveInt\": 2 }", "{ \"url\": \"maximum\", \"valuePositiveInt\": 2 }"),
                demo.replace("{ \"url\": \"max\", \"valuePositiveInt\": 2 }", after(10) + ", " + after(14)),
                demo.replace("\"value\": 7, \"unit\": \"days\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"d\"",
                        "\"value\": 1, \"unit\": \"month\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"mo\""))) {
            assertFalse(broken.equals(demo), "the replacement must change the demo protocol");
            PlanDefinition plan = CONTEXT.newJsonParser().parseResource(PlanDefinition.class, broken);
            assertFalse(VALIDATOR.errors(plan, List.of()).isEmpty(), broken);
        }
    }

    static String after(int days) {
        return "{ \"url\": \"after\", \"valueDuration\": { \"value\": " + days
                + ", \"system\": \"http://unitsofmeasure.org\", \"code\": \"d\" } }";
    }

    @Test
    void coreR4RulesAndOurProfileStillFindErrors() {
        Questionnaire noLinkId = new Questionnaire();
        noLinkId.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
        noLinkId.addItem().setType(Questionnaire.QuestionnaireItemType.STRING).setText("no linkId");
        assertFalse(VALIDATOR.errors(noLinkId, List.of()).isEmpty(), "R4 core: item.linkId is required");
        assertFalse(VALIDATOR.errors(noLinkId, List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE)).isEmpty(),
                "our profile: url, version and more are required");

        Organization unknownExtensionType = new Organization();
        unknownExtensionType.setName("Unit");
        unknownExtensionType.addExtension("https://vointi.fi/fhir/StructureDefinition/feedback-enabled", new StringType("yes"));
        List<SingleValidationMessage> errors = VALIDATOR.errors(unknownExtensionType, List.of());
        assertFalse(errors.isEmpty(), "our extension definitions are known to the validator (a boolean, not a string)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.hl7.fhir.dstu2.model.Patient",
            "org.hl7.fhir.r4b.model.Patient", "org.hl7.fhir.dstu2016may.model.Patient", "org.apache.jena.rdf.model.Model",
            "net.sourceforge.plantuml.SourceStringReader", "org.sqlite.JDBC", "org.apache.xml.security.Init"})
    void whatR4DoesNotNeedIsNotShipped(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className, false, LOADER));
    }
}
