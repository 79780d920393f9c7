package fi.vointi.gdpr;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@MicronautTest(transactional = false) // the job commits its own batches, as in production
@Property(name = "vointi.retention.responses", value = "P30D")
class RetentionJobTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    RetentionJob job;

    @Inject
    fi.vointi.catalog.QuestionnaireCatalog catalog;

    @Test
    void deletesWhatWasLastWrittenBeforeTheRetentionPeriod() {
        GdprFixtures fixtures = new GdprFixtures(new FhirTestClient(server), new Tokens(issuer), dataSource);
        String patient = GdprFixtures.newPatient("retention");
        String old = fixtures.storedResponse(patient);
        String recent = fixtures.storedResponse(patient);
        String oldInvitation = fixtures.invitation(patient, Instant.now().minus(Duration.ofDays(40)));
        String recentInvitation = fixtures.invitation(patient, Instant.now().minus(Duration.ofDays(20)));
        fixtures.update("UPDATE questionnaire_response SET last_updated = ? WHERE id = ?",
                Instant.now().minus(Duration.ofDays(40)).atOffset(ZoneOffset.UTC), old);
        // an old anonymous feedback answer: its fact row (open text) goes, the unit's anonymous counts stay
        var feedback = fi.vointi.support.ResponseBuilder.answering(catalog.byId("demo-customer-feedback").orElseThrow())
                .answerAllRequired().answer("open", new org.hl7.fhir.r4.model.StringType("Kiitos")).build("completed", null);
        feedback.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit",
                new org.hl7.fhir.r4.model.Reference("Organization/demo-unit-health-centre"));
        var storedFeedback = new FhirTestClient(server).post("/fhir/QuestionnaireResponse", feedback);
        assertEquals(201, storedFeedback.status(), storedFeedback.body());
        String feedbackId = storedFeedback.resource(org.hl7.fhir.r4.model.QuestionnaireResponse.class).getIdElement().getIdPart();
        fixtures.update("UPDATE questionnaire_response SET last_updated = ? WHERE id = ?",
                Instant.now().minus(Duration.ofDays(40)).atOffset(ZoneOffset.UTC), feedbackId);
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE response_id = ?", feedbackId));
        long countedBefore = Db.count(dataSource, "SELECT COALESCE(SUM(responses), 0) FROM feedback_daily WHERE unit_id = ?",
                "demo-unit-health-centre");

        GdprCounts counts = job.run();

        assertEquals(new GdprCounts(2, 3, 1, 1), counts);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE response_id = ?", feedbackId));
        assertEquals(countedBefore, Db.count(dataSource, "SELECT COALESCE(SUM(responses), 0) FROM feedback_daily WHERE unit_id = ?",
                "demo-unit-health-centre"));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ?", old));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", old));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM sharing_decision WHERE response_id = ?", old));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE id = ?", oldInvitation));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ?", recent));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", recent));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM sharing_decision WHERE response_id = ?", recent));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE id = ?", recentInvitation));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'retention' AND action = 'D'"
                + " AND agent_id = ? AND method = 'JOB' AND http_status = 200 AND detail LIKE ?",
                RetentionJob.AGENT, "responses=2 versions=3 consents=1 invitations=1; cutoff=%"));

        assertEquals(GdprCounts.NONE, job.run(), "a second run finds nothing");
    }

    @Test
    void retentionIsAnIsoDurationOrPeriod() {
        assertEquals(Duration.ofDays(3650), RetentionJob.parse("P3650D"));
        assertEquals(Duration.ofHours(720), RetentionJob.parse("pt720h"));
        assertEquals(Period.ofYears(10), RetentionJob.parse("P10Y"));
        assertNull(RetentionJob.parse(""), "empty: keep forever");
        assertNull(RetentionJob.parse(null));
        assertThrows(ConfigurationException.class, () -> RetentionJob.parse("10 years"));
        assertThrows(ConfigurationException.class, () -> RetentionJob.parse("P0D"), "zero would delete everything");
        assertThrows(ConfigurationException.class, () -> RetentionJob.parse("-P30D"));
    }
}
