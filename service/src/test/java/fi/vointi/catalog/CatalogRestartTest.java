package fi.vointi.catalog;

import fi.vointi.support.FhirTestClient;
import io.micronaut.context.ApplicationContext;
import fi.vointi.support.Db;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart with unchanged content validates nothing again (issue 19, start-up in seconds); a change of the
 * content or of the conformance resources validates again. Runs on the database of the test run (H2 or PostgreSQL).
 */
class CatalogRestartTest {
    @TempDir
    Path dir;

    private ApplicationContext start(boolean cleanDatabase) {
        ContentValidations.forgetThisProcess(); // only the database may remember
        Map<String, Object> properties = new HashMap<>();
        properties.put("vointi.questionnaires.dir", dir.toString());
        properties.put("flyway.datasources.default.clean-schema", cleanDatabase);
        return ApplicationContext.builder().properties(properties).build().start();
    }

    private static long storedPasses(ApplicationContext context) {
        return Db.count(context.getBean(DataSource.class), "SELECT COUNT(*) FROM content_validation");
    }

    @Test
    void unchangedContentIsValidatedOnceAcrossRestartsAndAgainWhenContentOrProfilesChange() throws Exception {
        Files.writeString(dir.resolve("county-form.json"),
                FhirTestClient.encode(CatalogLoadingTest.countyQuestionnaire("county-form", "1.0")));
        int all;
        try (ApplicationContext first = start(true)) {
            QuestionnaireCatalog catalog = first.getBean(QuestionnaireCatalog.class);
            all = catalog.all().size();
            assertTrue(all >= 8, "the demo questionnaires and the county's");
            assertEquals(all, catalog.validatedAtStart(), "an empty database knows nothing: every file is validated");
            assertEquals((long) all, storedPasses(first));
        }

        try (ApplicationContext second = start(false)) {
            QuestionnaireCatalog catalog = second.getBean(QuestionnaireCatalog.class);
            assertEquals(all, catalog.all().size());
            assertEquals(0, catalog.validatedAtStart(), "unchanged content passed before under the same validator");
        }

        Files.writeString(dir.resolve("county-form-2.json"),
                FhirTestClient.encode(CatalogLoadingTest.countyQuestionnaire("county-form-2", "1.0")));
        try (ApplicationContext third = start(false)) {
            assertEquals(1, third.getBean(QuestionnaireCatalog.class).validatedAtStart(), "only the new file");
        }

        // A new conformance resource changes what validity means: everything is validated again.
        Files.createDirectories(dir.resolve("terminology"));
        Files.writeString(dir.resolve("terminology/yes-no.json"), FhirTestClient.encode(CatalogLoadingTest.countyCodeSystem()));
        try (ApplicationContext fourth = start(false)) {
            QuestionnaireCatalog catalog = fourth.getBean(QuestionnaireCatalog.class);
            assertEquals(catalog.all().size(), catalog.validatedAtStart());
            assertTrue(catalog.validator().errors(CatalogLoadingTest.countyQuestionnaire("x", "1"),
                    java.util.List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE)).isEmpty(), "the lazy validator still validates");
        }
    }
}
