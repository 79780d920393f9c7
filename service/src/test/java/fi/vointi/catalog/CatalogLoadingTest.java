package fi.vointi.catalog;

import fi.vointi.support.FhirTestClient;
import io.micronaut.context.ApplicationContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up with a county's questionnaire folder: valid content is served, invalid content stops start-up. */
class CatalogLoadingTest {
    @TempDir
    Path dir;

    static Questionnaire countyQuestionnaire(String id, String version) {
        Questionnaire q = new Questionnaire();
        q.setId(id);
        q.setUrl("https://county.example/fhir/Questionnaire/" + id).setVersion(version).setName("CountyForm")
                .setTitle("County form").setStatus(Enumerations.PublicationStatus.ACTIVE);
        Questionnaire.QuestionnaireItemComponent item = q.addItem().setLinkId("q1").setText("Question one")
                .setType(Questionnaire.QuestionnaireItemType.CHOICE);
        item.addAnswerOption().setValue(new Coding("https://county.example/fhir/CodeSystem/yes-no", "y", "Yes"));
        item.addAnswerOption().setValue(new Coding("https://county.example/fhir/CodeSystem/yes-no", "n", "No"));
        return q;
    }

    static CodeSystem countyCodeSystem() {
        CodeSystem cs = new CodeSystem();
        cs.setId("yes-no");
        cs.setUrl("https://county.example/fhir/CodeSystem/yes-no").setVersion("1").setName("YesNo")
                .setStatus(Enumerations.PublicationStatus.ACTIVE).setContent(CodeSystem.CodeSystemContentMode.COMPLETE);
        cs.addConcept().setCode("y").setDisplay("Yes");
        cs.addConcept().setCode("n").setDisplay("No");
        return cs;
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content);
    }

    private ApplicationContext start(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put("vointi.questionnaires.dir", dir.toString());
        return started(ApplicationContext.builder().properties(properties).build());
    }

    /** A context that fails to start is closed too, so that its connection pool does not outlive the test. */
    private static ApplicationContext started(ApplicationContext context) {
        try {
            return context.start();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    private String startupFailure() {
        Exception e = assertThrows(Exception.class, () -> start(Map.of()).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void countyContentIsLoadedBesideTheDemoContent() throws Exception {
        write("county-form.json", FhirTestClient.encode(countyQuestionnaire("county-form", "2.0")));
        Files.createDirectories(dir.resolve("terminology"));
        Files.writeString(dir.resolve("terminology/yes-no.json"), FhirTestClient.encode(countyCodeSystem()));
        try (ApplicationContext context = start(Map.of())) {
            QuestionnaireCatalog catalog = context.getBean(QuestionnaireCatalog.class);
            assertEquals("2.0", catalog.byId("county-form").orElseThrow().getVersion());
            assertTrue(catalog.byId("demo-wellbeing-prom").isPresent());
            assertEquals("county-form", catalog.resolve(CanonicalRef.parse("https://county.example/fhir/Questionnaire/county-form"))
                    .orElseThrow().getIdElement().getIdPart());
        }
    }

    @Test
    void malformedFileStopsStartupNamingTheFile() throws Exception {
        write("broken.json", "{\"resourceType\": \"Questionnaire\", \"id\": ");
        String message = startupFailure();
        assertTrue(message.contains("broken.json") && message.contains("not a valid FHIR JSON"), message);
    }

    @Test
    void questionnaireViolatingOurProfileStopsStartup() throws Exception {
        Questionnaire noVersion = countyQuestionnaire("county-form", "1");
        noVersion.setVersion(null);
        write("no-version.json", FhirTestClient.encode(noVersion));
        String message = startupFailure();
        assertTrue(message.contains("no-version.json") && message.contains("invalid Questionnaire"), message);
        assertTrue(message.toLowerCase().contains("version"), message);
    }

    @Test
    void structurallyInvalidQuestionnaireStopsStartup() throws Exception {
        Questionnaire noType = countyQuestionnaire("county-form", "1");
        noType.getItemFirstRep().setType(null);
        write("no-type.json", FhirTestClient.encode(noType));
        String message = startupFailure();
        assertTrue(message.contains("no-type.json") && message.contains("type"), message);
    }

    @Test
    void scoringRuleNamingAnUnknownItemStopsStartup() throws Exception {
        Questionnaire scored = countyQuestionnaire("county-scored", "1");
        Extension rule = scored.addExtension().setUrl("https://vointi.fi/fhir/StructureDefinition/scoring-rule");
        rule.addExtension("code", new org.hl7.fhir.r4.model.CodeType("total"));
        rule.addExtension("display", new org.hl7.fhir.r4.model.StringType("Total"));
        rule.addExtension("method", new org.hl7.fhir.r4.model.CodeType("sum"));
        rule.addExtension("item", new org.hl7.fhir.r4.model.StringType("no-such-item"));
        write("scored.json", FhirTestClient.encode(scored));
        String message = startupFailure();
        assertTrue(message.contains("scored.json") && message.contains("no-such-item"), message);
    }

    @Test
    void duplicateCanonicalStopsStartup() throws Exception {
        Questionnaire copy = countyQuestionnaire("other-id", "1");
        copy.setUrl("https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom").setVersion("1.2.0");
        write("copy.json", FhirTestClient.encode(copy));
        String message = startupFailure();
        assertTrue(message.contains("copy.json") && message.contains("already defined by"), message);
    }

    @Test
    void otherResourceTypesAreRefused() throws Exception {
        write("patient.json", "{\"resourceType\":\"Patient\",\"id\":\"p1\"}");
        String message = startupFailure();
        assertTrue(message.contains("patient.json") && message.contains("Patient"), message);
    }

    @Test
    void missingFolderStopsStartup() {
        Exception e = assertThrows(Exception.class,
                () -> started(ApplicationContext.builder().properties(Map.of("vointi.questionnaires.dir",
                        dir.resolve("nope").toString())).build()).close());
        assertTrue(e.getMessage().contains("nope") || String.valueOf(e.getCause()).contains("nope"), String.valueOf(e));
    }

    @Test
    void changedContentUnderAPublishedVersionIsRefused() throws Exception {
        write("county-form.json", FhirTestClient.encode(countyQuestionnaire("county-form", "1")));
        start(Map.of()).close();
        Questionnaire edited = countyQuestionnaire("county-form", "1");
        edited.getItemFirstRep().setText("Question one, reworded");
        write("county-form.json", FhirTestClient.encode(edited));
        // keep the database of the first start
        Exception e = assertThrows(Exception.class, () -> start(Map.of("flyway.datasources.default.clean-schema", false)).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage());
        }
        assertTrue(messages.toString().contains("county-form.json") && messages.toString().contains("new version"), messages.toString());
        // the same content again is fine
        write("county-form.json", FhirTestClient.encode(countyQuestionnaire("county-form", "1")));
        start(Map.of("flyway.datasources.default.clean-schema", false)).close();
    }
}
