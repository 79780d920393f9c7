package fi.vointi.web.report;

import fi.vointi.analytics.FeedbackSurvey;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Units written into the organisation tables (the Organization API has its own tests) and customer feedback sent
 * over FHIR to the test survey {@code test-feedback-adult} (src/test/resources/analytics-questionnaires), with
 * original dates as a gateway relaying earlier answers sends them: counted by the real writer into the rollups.
 */
final class ReportFixture {
    private final DataSource dataSource;
    private final FhirTestClient gateway;
    private final Questionnaire adult;
    private final Map<String, String> parents = new HashMap<>();

    ReportFixture(DataSource dataSource, FhirTestClient anonymous, Tokens tokens) {
        this.dataSource = dataSource;
        this.gateway = anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c"));
        this.adult = anonymous.get("/fhir/Questionnaire/test-feedback-adult").resource(Questionnaire.class);
    }

    /** A unit under {@code parentId} (null: a root) with its closure rows. */
    ReportFixture unit(String id, String parentId, String kind, String name) {
        parents.put(id, parentId);
        Db.update(dataSource, "INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id,"
                + " last_updated, resource_json) VALUES (?, ?, ?, ?, TRUE, TRUE, 1, ?, ?)", id, parentId, kind, name,
                Timestamp.from(Instant.now()), "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\"}");
        List<String> ancestors = new ArrayList<>();
        for (String a = id; a != null; a = parents.get(a)) {
            ancestors.add(a);
        }
        for (int depth = 0; depth < ancestors.size(); depth++) {
            Db.update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, ?)",
                    ancestors.get(depth), id, depth);
        }
        return this;
    }

    /** {@code count} adult answers to a unit: the same recommendation and "access" statement answer, one channel. */
    ReportFixture answers(String unit, int count, int recommendation, int access, String authored, String channel) {
        for (int i = 0; i < count; i++) {
            QuestionnaireResponse response = ResponseBuilder.answering(adult).answerAllRequired()
                    .answer("recommendation", ResponseBuilder.answering(adult).option("recommendation", Integer.toString(recommendation)))
                    .answer("statement.access", ResponseBuilder.answering(adult).option("statement.access", Integer.toString(access)))
                    .build("completed", null);
            response.setAuthoredElement(new DateTimeType(authored));
            response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + unit));
            response.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType(channel));
            Reply reply = gateway.post("/fhir/QuestionnaireResponse", response);
            assertEquals(201, reply.status(), reply.body());
        }
        return this;
    }
}
