package fi.vointi.gdpr;

import fi.vointi.responses.ResponseService;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stores a patient's data the way it arrives in production: through the API, as the patient. */
final class GdprFixtures {
    static final String QR = "/fhir/QuestionnaireResponse";
    final FhirTestClient anonymous;
    final Tokens tokens;
    final DataSource dataSource;
    final Questionnaire prom;

    GdprFixtures(FhirTestClient anonymous, Tokens tokens, DataSource dataSource) {
        this.anonymous = anonymous;
        this.tokens = tokens;
        this.dataSource = dataSource;
        this.prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
    }

    /** A patient id unique to this run, so that H2 and PostgreSQL runs and reruns never meet. */
    static String newPatient(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    QuestionnaireResponse prom(String patientId) {
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patientId);
        response.setIdentifier(new Identifier().setSystem("urn:vointi:gdpr-test").setValue(UUID.randomUUID().toString()));
        response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/unit-gdpr"));
        return response;
    }

    /** A completed response, then amended (two versions), then shared (one Consent). Returns its id. */
    String storedResponse(String patientId) {
        return store(patientId, prom(patientId));
    }

    String store(String patientId, QuestionnaireResponse response) {
        FhirTestClient patient = anonymous.as(tokens.patient(patientId));
        Reply created = patient.post(QR, response);
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        String id = stored.getIdElement().getIdPart();
        stored.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED);
        Reply amended = patient.put(QR + "/" + id, stored);
        assertEquals(200, amended.status(), amended.body());
        Reply shared = patient.post(QR + "/" + id + "/$share", "");
        assertEquals(200, shared.status(), shared.body());
        return id;
    }

    /** An invitation (FHIR Task) row as the invitation feature stores it; returns its id. */
    String invitation(String patientId, Instant expires) {
        String id = UUID.randomUUID().toString();
        String task = "{\"resourceType\":\"Task\",\"id\":\"" + id + "\",\"status\":\"requested\",\"intent\":\"order\","
                + "\"for\":{\"reference\":\"Patient/" + patientId + "\"},"
                + "\"focus\":{\"reference\":\"" + prom.getUrl() + "|" + prom.getVersion() + "\"}}";
        update("INSERT INTO invitation (id, token_sha256, patient_id, questionnaire_url, questionnaire_version, unit_ref,"
                + " requester, status, created_at, expires_at, resource_json, last_updated)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 64), patientId,
                prom.getUrl(), prom.getVersion(), "Organization/unit-gdpr", "clinician-unit-gdpr", "requested",
                expires.minusSeconds(7 * 86400).atOffset(ZoneOffset.UTC), expires.atOffset(ZoneOffset.UTC), task,
                expires.minusSeconds(7 * 86400).atOffset(ZoneOffset.UTC));
        return id;
    }

    /** The first column of the first row. */
    String text(String sql, Object... args) {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long update(String sql, Object... args) {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
