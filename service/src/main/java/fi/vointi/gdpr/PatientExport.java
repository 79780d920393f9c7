package fi.vointi.gdpr;

import fi.vointi.fhir.FhirJson;
import fi.vointi.observations.PackedObservationJson;
import fi.vointi.responses.SharingService;
import fi.vointi.schedules.ScheduleService;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Everything Vointi stores about one patient (GDPR Art. 15 and 20) as a FHIR {@code collection} Bundle: their
 * QuestionnaireResponses with every earlier version, sharing decisions as Consent, invitations as Task, PROM schedule enrolments as CarePlan, and the
 * audit events that touched their data (who accessed it, when, with what outcome).
 */
@Singleton
public class PatientExport {
    private static final String OPERATION_SYSTEM = "https://vointi.fi/fhir/CodeSystem/audit-operation";
    private final JdbcOperations jdbc;
    private final FhirJson json;
    private final SharingService sharing;
    private final ScheduleService schedules;

    public PatientExport(JdbcOperations jdbc, FhirJson json, SharingService sharing, ScheduleService schedules) {
        this.jdbc = jdbc;
        this.json = json;
        this.sharing = sharing;
        this.schedules = schedules;
    }

    /** One read-only transaction, so that the parts are consistent with each other. */
    @Transactional(readOnly = true)
    public Bundle everything(String patientId, String baseUrl) {
        return everything(patientId, baseUrl, false);
    }

    /**
     * @param guardianCopy for a guardian: a young person's own answers closed to guardians, their earlier versions,
     *                     scores and sharing decisions are left out, as every read leaves them out
     */
    @Transactional(readOnly = true)
    public Bundle everything(String patientId, String baseUrl, boolean guardianCopy) {
        String open = guardianCopy ? " AND r.closed_to_guardians = FALSE" : "";
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION).setTimestamp(new Date());
        Map<String, String> unitOf = new HashMap<>();
        // References of this patient's own resources: the only entities of an audit event shown to them.
        Set<String> own = new HashSet<>();
        query("SELECT r.id, r.unit_ref, r.resource_json FROM questionnaire_response r"
                + " WHERE r.subject_type = 'Patient' AND r.subject_id = ?" + open + " ORDER BY r.authored, r.id", patientId, rs -> {
            unitOf.put(rs.getString(1), rs.getString(2));
            own.add("QuestionnaireResponse/" + rs.getString(1));
            add(bundle, baseUrl, json.parseStored(rs.getString(3), QuestionnaireResponse.class));
        });
        // Earlier versions: R4 forbids a version-specific fullUrl (bdl-8) and the plain one would make references to
        // the response ambiguous, so they get a urn:uuid fullUrl and link to their vread URL.
        query("SELECT h.resource_json FROM questionnaire_response_history h JOIN questionnaire_response r ON r.id = h.id"
                + " WHERE r.subject_type = 'Patient' AND r.subject_id = ? AND h.version_id < r.version_id" + open
                + " ORDER BY r.authored, r.id, h.version_id DESC", patientId,
                rs -> {
                    QuestionnaireResponse version = json.parseStored(rs.getString(1), QuestionnaireResponse.class);
                    bundle.addEntry().setResource(version).setFullUrl("urn:uuid:" + UUID.randomUUID())
                            .addLink().setRelation("self").setUrl(baseUrl + "/QuestionnaireResponse/"
                                    + version.getIdElement().getIdPart() + "/_history/" + version.getMeta().getVersionId());
                });
        for (SharingService.Decision decision : sharing.decisionsFor(patientId)) {
            if (guardianCopy && !unitOf.containsKey(decision.responseId())) {
                continue; // a decision about an answer left out of this copy
            }
            own.add("Consent/" + decision.id());
            add(bundle, baseUrl, SharingService.toConsent(decision, unitOf.get(decision.responseId())));
        }
        // Scores extracted from the patient's responses (current versions; earlier ones are superseded amendments).
        query("SELECT o.id, o.resource FROM observation o JOIN questionnaire_response r ON r.id = o.response_id"
                + " WHERE r.subject_type = 'Patient' AND r.subject_id = ?" + open + " ORDER BY o.effective, o.id", patientId, rs -> {
            own.add("Observation/" + rs.getString(1));
            add(bundle, baseUrl, json.parseStored(PackedObservationJson.unpack(rs.getBytes(2)), Observation.class));
        });
        query("SELECT id, resource_json FROM invitation WHERE patient_id = ? ORDER BY created_at, id", patientId, rs -> {
            own.add("Task/" + rs.getString(1));
            add(bundle, baseUrl, json.parseStored(rs.getString(2), Task.class));
        });
        // PROM schedule enrolments (docs/schedules.md), as CarePlan reads show them: never with the contacts
        for (CarePlan plan : schedules.carePlansOf(patientId)) {
            own.add("CarePlan/" + plan.getIdElement().getIdPart());
            add(bundle, baseUrl, plan);
        }
        query("SELECT e.id, e.recorded, e.action, e.operation, e.outcome, e.http_status, e.agent_id, e.agent_client,"
                + " e.agent_roles, e.entities FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE p.patient_id = ? ORDER BY e.recorded, e.id", patientId,
                rs -> add(bundle, baseUrl, auditEvent(rs, patientId, own)));
        return bundle;
    }

    /**
     * An audit row as a minimal R4 AuditEvent. Entities are limited to this patient's own resources: one event
     * (e.g. a clinician's search) may have touched several patients, and the others are not this patient's business.
     * Source addresses and free-text details are left out.
     */
    private static AuditEvent auditEvent(ResultSet rs, String patientId, Set<String> own) throws SQLException {
        AuditEvent event = new AuditEvent();
        event.setId(rs.getString(1));
        event.setRecorded(Date.from(rs.getTimestamp(2).toInstant()));
        event.setAction(AuditEvent.AuditEventAction.fromCode(rs.getString(3)));
        event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        event.addSubtype(new Coding(OPERATION_SYSTEM, rs.getString(4), null));
        event.setOutcome(AuditEvent.AuditEventOutcome.fromCode(rs.getString(5).trim()));
        event.setOutcomeDesc("HTTP " + rs.getInt(6));
        String agentId = rs.getString(7);
        AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true)
                .setWho(new Reference().setDisplay(agentId == null ? "anonymous" : agentId));
        if (rs.getString(8) != null) {
            agent.setAltId(rs.getString(8));
        }
        if (rs.getString(9) != null && !rs.getString(9).isBlank()) {
            agent.addRole(new CodeableConcept().setText(rs.getString(9)));
        }
        event.getSource().setObserver(new Reference().setDisplay("Vointi"));
        String entities = rs.getString(10);
        for (String reference : entities == null ? new String[0] : entities.split(" ")) {
            if (own.contains(reference.replaceFirst("/_history/.*$", ""))) {
                event.addEntity().setWhat(new Reference(reference));
            }
        }
        event.addEntity().setWhat(new Reference("Patient/" + patientId))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        return event;
    }

    private static void add(Bundle bundle, String baseUrl, Resource resource) {
        bundle.addEntry().setFullUrl(baseUrl + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart())
                .setResource(resource);
    }

    private interface RowHandler {
        void handle(ResultSet rs) throws SQLException;
    }

    private void query(String sql, String patientId, RowHandler handler) {
        jdbc.prepareStatement(sql, statement -> {
            statement.setString(1, patientId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    handler.handle(rs);
                }
            }
            return null;
        });
    }
}
