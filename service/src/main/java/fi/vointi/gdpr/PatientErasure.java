package fi.vointi.gdpr;

import ca.uhn.fhir.util.FhirTerser;
import fi.vointi.fhir.FhirJson;
import fi.vointi.observations.PackedObservationJson;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Removes a patient's data (GDPR Art. 17) or turns it into statistics without identity, and deletes responses
 * for the retention job. The audit trail is never touched: it is the legal record of who processed what.
 */
@Singleton
public class PatientErasure {
    /** Ids per IN list: well below PostgreSQL's limit of bound parameters per statement. */
    static final int CHUNK = 500;
    private static final String OF_PATIENT = " FROM questionnaire_response WHERE subject_type = 'Patient' AND subject_id = ?";
    private final JdbcOperations jdbc;
    private final FhirJson json;
    private final FhirTerser terser;

    public PatientErasure(JdbcOperations jdbc, FhirJson json) {
        this.jdbc = jdbc;
        this.json = json;
        this.terser = json.context().newTerser();
    }

    /** Deletes every response (all versions), sharing decision and invitation of the patient, in one transaction. */
    @Transactional
    public GdprCounts erase(String patientId) {
        List<String> ids = strings("SELECT id" + OF_PATIENT, patientId);
        GdprCounts counts = deleteResponses(ids, null);
        eraseMessages(patientId);
        return counts.plus(new GdprCounts(0, 0, update("DELETE FROM sharing_decision WHERE patient_id = ?", patientId),
                update("DELETE FROM invitation WHERE patient_id = ?", patientId)));
    }

    /**
     * Keeps the answers for statistics but cuts every link to the person: all of the patient's responses get
     * one new random subject {@code Patient/pseudonym-<uuid>} and new random ids (the audit trail names the old
     * ids next to the patient), no mapping is kept anywhere. Sharing decisions and invitations are deleted.
     * Versions and lastUpdated stay as they were: this is not a change by the client.
     */
    @Transactional
    public GdprCounts pseudonymise(String patientId) {
        String pseudonym = "pseudonym-" + UUID.randomUUID();
        // Locked so that a concurrent update cannot slip a version in with the old subject.
        Map<String, String> current = new LinkedHashMap<>();
        jdbc.prepareStatement("SELECT id, resource_json" + OF_PATIENT + " FOR UPDATE", statement -> {
            statement.setString(1, patientId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    current.put(rs.getString(1), rs.getString(2));
                }
            }
            return null;
        });
        long versions = current.size(); // the current versions; the superseded ones are counted below
        for (Map.Entry<String, String> row : current.entrySet()) {
            String oldId = row.getKey();
            String newId = UUID.randomUUID().toString();
            Map<Integer, String> history = new LinkedHashMap<>();
            jdbc.prepareStatement("SELECT version_id, resource_json FROM questionnaire_response_history WHERE id = ?", statement -> {
                statement.setString(1, oldId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        history.put(rs.getInt(1), rs.getString(2));
                    }
                }
                return null;
            });
            for (Map.Entry<Integer, String> version : history.entrySet()) {
                versions += update("UPDATE questionnaire_response_history SET id = ?, resource_json = ? WHERE id = ? AND version_id = ?",
                        newId, pseudonymised(version.getValue(), patientId, newId, pseudonym), oldId, version.getKey());
            }
            pseudonymiseObservations(oldId, newId, pseudonym);
            // identifier ('', NULL) is what a response without identifier stores; NULLs never collide in the unique index.
            update("UPDATE questionnaire_response SET id = ?, subject_type = 'Patient', subject_id = ?, identifier_system = '',"
                    + " identifier_value = NULL, shared = FALSE, resource_json = ? WHERE id = ?",
                    newId, pseudonym, pseudonymised(row.getValue(), patientId, newId, pseudonym), oldId);
        }
        eraseMessages(patientId);
        return new GdprCounts(current.size(), versions, update("DELETE FROM sharing_decision WHERE patient_id = ?", patientId),
                update("DELETE FROM invitation WHERE patient_id = ?", patientId));
    }

    /**
     * The patient's outgoing messages (fi.vointi.messaging, docs/messaging.md): queued ones are never sent, and sent ones
     * leave no address, text or attempt behind. An opt-out stays: it is keyed by an HMAC, names no one, and must be
     * honoured if the person is invited again.
     */
    private void eraseMessages(String patientId) {
        update("DELETE FROM message_outbox WHERE patient_id = ?", patientId);
        // schedules (docs/schedules.md): the enrolments with their contacts and steps (ON DELETE CASCADE)
        update("DELETE FROM schedule_enrolment WHERE patient_id = ?", patientId);
    }

    /**
     * The scores of a pseudonymised response: new ids, the pseudonym as subject, derivedFrom the response's new id.
     * Their JSON is stored packed (PackedObservationJson), every version written back in the current format.
     */
    private void pseudonymiseObservations(String oldResponseId, String newResponseId, String pseudonym) {
        Map<String, String> current = unpacked("SELECT id, resource FROM observation WHERE response_id = ?", oldResponseId,
                String.class);
        for (Map.Entry<String, String> observation : current.entrySet()) {
            String oldId = observation.getKey();
            String newId = UUID.randomUUID().toString();
            Map<Integer, String> versions = unpacked("SELECT version_id, resource FROM observation_history WHERE id = ?", oldId,
                    Integer.class);
            for (Map.Entry<Integer, String> version : versions.entrySet()) {
                update("UPDATE observation_history SET id = ?, resource = ? WHERE id = ? AND version_id = ?", newId,
                        pseudonymisedObservation(version.getValue(), newId, newResponseId, pseudonym), oldId, version.getKey());
            }
            update("UPDATE observation SET id = ?, response_id = ?, subject_type = 'Patient', subject_id = ?, resource = ?"
                    + " WHERE id = ?", newId, newResponseId, pseudonym,
                    pseudonymisedObservation(observation.getValue(), newId, newResponseId, pseudonym), oldId);
        }
    }

    /** Rows of (key, packed Observation JSON), in the order read, with the JSON unpacked. */
    private <K> Map<K, String> unpacked(String sql, String parameter, Class<K> keyType) {
        return jdbc.prepareStatement(sql, statement -> {
            statement.setString(1, parameter);
            Map<K, String> rows = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getObject(1, keyType), PackedObservationJson.unpack(rs.getBytes(2)));
                }
            }
            return rows;
        });
    }

    /** The pseudonymised version, packed as stored. */
    private byte[] pseudonymisedObservation(String stored, String newId, String newResponseId, String pseudonym) {
        Observation observation = json.parseStored(stored, Observation.class);
        observation.setIdElement(new IdType("Observation", newId));
        observation.setText(null);
        observation.setSubject(new Reference("Patient/" + pseudonym));
        // who answered (the patient, or a guardian's identifier) leads back to the person, as the response's author does
        observation.setPerformer(null);
        for (Reference derivedFrom : observation.getDerivedFrom()) {
            IdType from = new IdType(derivedFrom.getReference());
            derivedFrom.setReference("QuestionnaireResponse/" + newResponseId
                    + (from.hasVersionIdPart() ? "/_history/" + from.getVersionIdPart() : ""));
        }
        return PackedObservationJson.pack(json.encodeForStorage(observation));
    }

    /**
     * One stored version without identity: new id and subject; identifier, narrative, contained resources and
     * every reference that could lead back to the person (author, source, encounter, basedOn, partOf) removed;
     * any other reference to the patient (e.g. in an answer) pointed at the pseudonym. The answers stay.
     */
    String pseudonymised(String stored, String patientId, String newId, String pseudonym) {
        QuestionnaireResponse response = json.parseStored(stored, QuestionnaireResponse.class);
        response.setIdElement(new IdType("QuestionnaireResponse", newId));
        response.setIdentifier(null).setBasedOn(null).setPartOf(null).setEncounter(null).setAuthor(null).setSource(null);
        response.setText(null);
        response.setContained(null);
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(response, Reference.class)) {
            if (reference.hasReference() && isPatient(reference.getReference(), patientId)) {
                reference.setReference("Patient/" + pseudonym).setDisplay(null).setIdentifier(null);
            }
        }
        response.setSubject(new Reference("Patient/" + pseudonym));
        return json.encodeForStorage(response);
    }

    private static boolean isPatient(String reference, String patientId) {
        IdType id = new IdType(reference);
        return "Patient".equals(id.getResourceType()) && patientId.equals(id.getIdPart());
    }

    /** Ids of responses last written before {@code cutoff}, oldest first. */
    @Transactional
    public List<String> responsesLastUpdatedBefore(Instant cutoff, int limit) {
        return strings("SELECT id FROM questionnaire_response WHERE last_updated < ? ORDER BY last_updated, id LIMIT ?",
                utc(cutoff), limit);
    }

    /**
     * Deletes these responses with their versions, sharing decisions and the invitations they answered. With
     * {@code olderThan}, a response written again since it was selected is kept (and so is all that belongs to it).
     */
    @Transactional
    public GdprCounts deleteResponses(List<String> ids, @Nullable Instant olderThan) {
        GdprCounts counts = GdprCounts.NONE;
        for (int start = 0; start < ids.size(); start += CHUNK) {
            List<String> chunk = ids.subList(start, Math.min(ids.size(), start + CHUNK));
            String in = " IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
            List<Object> args = new ArrayList<>(chunk);
            String condition = "";
            if (olderThan != null) {
                condition = " AND last_updated < ?";
                args.add(utc(olderThan));
            }
            // The current row goes first: it waits for a concurrent writer, whose version is then visible below.
            long responses = update("DELETE FROM questionnaire_response WHERE id" + in + condition, args.toArray());
            String gone = " AND NOT EXISTS (SELECT 1 FROM questionnaire_response r WHERE r.id = %s)";
            // the scores extracted from them, with every version
            update("DELETE FROM observation_history WHERE id IN (SELECT o.id FROM observation o WHERE o.response_id" + in
                    + gone.formatted("o.response_id") + ")", chunk.toArray());
            update("DELETE FROM observation WHERE response_id" + in + gone.formatted("observation.response_id"), chunk.toArray());
            // a deleted feedback response takes its fact row (with its open text) along; the anonymous
            // counts in the rollups stay, as statistics no longer tied to any stored answer
            update("DELETE FROM feedback_fact WHERE response_id" + in + gone.formatted("feedback_fact.response_id"), chunk.toArray());
            // versions: the superseded ones in history and the current one of each deleted response
            counts = counts.plus(new GdprCounts(responses,
                    responses + update("DELETE FROM questionnaire_response_history WHERE id" + in
                            + gone.formatted("questionnaire_response_history.id"), chunk.toArray()),
                    update("DELETE FROM sharing_decision WHERE response_id" + in
                            + gone.formatted("sharing_decision.response_id"), chunk.toArray()),
                    update("DELETE FROM invitation WHERE response_id" + in
                            + gone.formatted("invitation.response_id"), chunk.toArray())));
        }
        return counts;
    }

    /** Deletes invitations that expired before {@code cutoff} (used or not). */
    @Transactional
    public long deleteInvitationsExpiredBefore(Instant cutoff) {
        return update("DELETE FROM invitation WHERE expires_at < ?", utc(cutoff));
    }

    private long update(String sql, Object... args) {
        return jdbc.prepareStatement(sql, statement -> {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return (long) statement.executeUpdate();
        });
    }

    private List<String> strings(String sql, Object... args) {
        return jdbc.prepareStatement(sql, statement -> {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            List<String> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
