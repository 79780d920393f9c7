package fi.vointi.feedback;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpRequest;
import java.sql.Timestamp;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Historical import over HTTP: CSV and FHIR Bundles become anonymous responses with channel import and their own dates. */
@MicronautTest(transactional = false)
class FeedbackImportTest {
    static final String STATEMENTS = "statement.access,statement.heard,statement.safety,statement.information,statement.usefulness";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient admin;
    String unit;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        admin = new FhirTestClient(server).as(tokens.admin());
        unit = FeedbackUnitsFixture.unit(dataSource, true, true);
    }

    Reply postCsv(FhirTestClient client, String csv) {
        return client.send(HttpRequest.newBuilder(client.uri("/api/feedback/import"))
                .POST(HttpRequest.BodyPublishers.ofString(csv)).header("Content-Type", "text/csv"));
    }

    long stored(String unitId) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unitId);
    }

    @Test
    void csvRowsBecomeAnonymousResponsesWithTheirOriginalDates() {
        String csv = "unit,date,audience,recommendation," + STATEMENTS + ",open\n"
                + unit + ",2024-03-05,adult,9,5,4,5,4,5,\"Hyvä, nopea palvelu\"\n"
                + unit + ",2024-03-06T14:30:00+02:00,adult,3,1,2,2,3,1,\n"
                + unit + ",2024-01-10,relative,10,5,5,5,5,,\n";
        // the relative questionnaire has other statements: a row of another audience needs its own file
        Reply mixed = postCsv(admin, csv);
        assertTrue(mixed.outcome(422).contains("row 4"), mixed.body());
        assertEquals(0, stored(unit));

        String good = "unit,date,audience,recommendation," + STATEMENTS + ",open\n"
                + unit + ",2024-03-05,adult,9,5,4,5,4,5,\"Hyvä, nopea palvelu\"\n"
                + unit + ",2024-03-06T14:30:00+02:00,adult,3,1,2,2,3,1,\n";
        Reply reply = postCsv(admin, good);
        assertEquals(200, reply.status(), reply.body());
        Bundle bundle = reply.resource(Bundle.class);
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, bundle.getType());
        assertEquals(2, bundle.getEntry().size());
        assertEquals(2, stored(unit));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND subject_id IS NULL"
                + " AND status = 'completed' AND resource_json LIKE '%\"valueCode\":\"import\"%'", "Organization/" + unit));
        // 2024-03-05 is that day in Helsinki (stored at its noon); a dateTime keeps its hour (anonymous answers)
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND authored = ?",
                "Organization/" + unit, Timestamp.from(OffsetDateTime.parse("2024-03-05T12:00:00+02:00").toInstant())));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND authored = ?",
                "Organization/" + unit, Timestamp.from(OffsetDateTime.parse("2024-03-06T14:00:00+02:00").toInstant())));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'feedback-import'"
                + " AND http_status = 200 AND detail = 'imported 2 feedback responses'"));
    }

    @Test
    void anyBadRowRollsBackTheWholeImportAndEveryBadRowIsNamed() {
        String csv = "unit,date,audience,recommendation," + STATEMENTS + ",open\n"
                + unit + ",2024-03-05,adult,9,5,4,5,4,5,\n"
                + unit + ",2024-03-05,adult,11,5,4,5,4,5,\n"       // row 3: recommendation out of range
                + "no-such-unit,2024-03-05,adult,8,5,4,5,4,5,\n"    // row 4: unknown unit
                + unit + ",5.3.2024,adult,8,5,4,5,4,5,\n"          // row 5: date
                + unit + ",2024-03-05,adult,8,5,4,6,4,5,\n";       // row 6: statement 6
        String problems = postCsv(admin, csv).outcome(422);
        for (String row : new String[]{"row 3", "row 4", "row 5", "row 6"}) {
            assertTrue(problems.contains(row), row + " in " + problems);
        }
        assertTrue(!problems.contains("row 2"), problems);
        assertEquals(0, stored(unit));
        postCsv(admin, "unit,date,audience,nonsense\n" + unit + ",2024-03-05,adult,1\n").outcome(422);
        postCsv(admin, "date,audience\n").outcome(400);
        postCsv(admin, "unit,date,audience\n").outcome(400);
        assertEquals(0, stored(unit));
    }

    @Test
    void fhirBundleImportIsAllOrNothing() {
        Questionnaire adult = admin.get("/fhir/Questionnaire/demo-customer-feedback").resource(Questionnaire.class);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int recommendation : new int[]{10, 6}) {
            QuestionnaireResponse response = ResponseBuilder.answering(adult).answerAllRequired()
                    .answer("recommendation", new IntegerType(recommendation)).build("completed", null);
            response.setAuthoredElement(new DateTimeType("2023-11-20T09:15:00+02:00"));
            response.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
            bundle.addEntry().setResource(response).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("QuestionnaireResponse");
        }
        QuestionnaireResponse undated = (QuestionnaireResponse) bundle.getEntry().get(1).getResource().copy();
        undated.setAuthoredElement(null);
        Bundle bad = bundle.copy();
        bad.addEntry().setResource(undated).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("QuestionnaireResponse");
        assertTrue(admin.post("/api/feedback/import", bad).outcome(422).contains("entry 3"));
        assertEquals(0, stored(unit));

        Reply reply = admin.post("/api/feedback/import", bundle);
        assertEquals(200, reply.status(), reply.body());
        assertEquals(2, stored(unit));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND authored = ?",
                "Organization/" + unit, Timestamp.from(OffsetDateTime.parse("2023-11-20T09:00:00+02:00").toInstant())));
    }

    @Test
    void onlyAdminsImport() {
        String csv = "unit,date,audience,recommendation," + STATEMENTS + "\n" + unit + ",2024-03-05,adult,9,5,4,5,4,5\n";
        postCsv(new FhirTestClient(server), csv).outcome(401);
        postCsv(new FhirTestClient(server).as(tokens.unitManager(unit)), csv).outcome(403);
        assertEquals(0, stored(unit));
    }
}
