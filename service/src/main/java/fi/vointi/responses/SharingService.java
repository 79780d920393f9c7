package fi.vointi.responses;

import fi.vointi.fhir.FhirException;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The patient's decision to share a response with the care team, or to withdraw that. Every decision is
 * kept (table sharing_decision) and rendered as a FHIR Consent; the latest one is in force.
 */
@Singleton
public class SharingService {
    private static final Set<String> SHAREABLE = Set.of("completed", "amended");
    private final ResponseRepository responses;
    private final JdbcOperations jdbc;
    private final List<SharingListener> listeners;

    public SharingService(ResponseRepository responses, JdbcOperations jdbc, List<SharingListener> listeners) {
        this.responses = responses;
        this.jdbc = jdbc;
        this.listeners = listeners;
    }

    /** One recorded decision. */
    public record Decision(String id, String responseId, String patientId, boolean share, String decidedBy,
                           Instant decidedAt) {
    }

    @Transactional
    public Consent decide(Caller caller, String responseId, boolean share) {
        StoredResponse row = responses.find(responseId)
                .orElseThrow(() -> FhirException.notFound("QuestionnaireResponse/" + responseId + " is not known"));
        CallerResolver.enforce(AccessPolicy.share(caller, row.facts()), "QuestionnaireResponse/" + responseId + " is not known");
        if (share && !SHAREABLE.contains(row.status())) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE,
                    "Only completed or amended responses can be shared (this one is " + row.status() + ")");
        }
        Decision decision = new Decision(UUID.randomUUID().toString(), responseId, row.subjectId(), share,
                caller.id(), Instant.now());
        jdbc.prepareStatement("INSERT INTO sharing_decision (id, response_id, patient_id, decision, decided_by, decided_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", statement -> {
            statement.setString(1, decision.id());
            statement.setString(2, decision.responseId());
            statement.setString(3, decision.patientId());
            statement.setString(4, share ? "share" : "withdraw");
            statement.setString(5, decision.decidedBy());
            statement.setTimestamp(6, Timestamp.from(decision.decidedAt()));
            return statement.executeUpdate();
        });
        responses.setShared(responseId, share);
        AccessPolicy.ResponseFacts after = new AccessPolicy.ResponseFacts(row.subjectType(), row.subjectId(), row.unitRef(),
                share, row.closedToGuardians());
        listeners.forEach(l -> l.decided(decision, row.facts(), after));
        return toConsent(decision, row.unitRef());
    }

    /** All decisions about one patient's responses, oldest first (GDPR export). */
    @Transactional(readOnly = true)
    public List<Decision> decisionsFor(String patientId) {
        return jdbc.prepareStatement("SELECT id, response_id, patient_id, decision, decided_by, decided_at"
                + " FROM sharing_decision WHERE patient_id = ? ORDER BY decided_at, id", statement -> {
            statement.setString(1, patientId);
            List<Decision> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(new Decision(rs.getString(1), rs.getString(2), rs.getString(3),
                            "share".equals(rs.getString(4)), rs.getString(5), rs.getTimestamp(6).toInstant()));
                }
            }
            return found;
        });
    }

    /** A decision as FHIR Consent: permit (active) or withdrawn (inactive) access of the care team to one response. */
    public static Consent toConsent(Decision decision, String unitRef) {
        Consent consent = new Consent();
        consent.setId(decision.id());
        consent.setStatus(decision.share() ? Consent.ConsentState.ACTIVE : Consent.ConsentState.INACTIVE);
        consent.setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope",
                "patient-privacy", "Privacy Consent")));
        consent.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
        consent.setPatient(new Reference("Patient/" + decision.patientId()));
        consent.setDateTime(Date.from(decision.decidedAt()));
        consent.addPerformer(new Reference().setDisplay(decision.decidedBy()));
        consent.setPolicyRule(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode",
                decision.share() ? "OPTIN" : "OPTOUT", null)));
        Consent.ProvisionComponent provision = consent.getProvision();
        provision.setType(decision.share() ? Consent.ConsentProvisionType.PERMIT : Consent.ConsentProvisionType.DENY);
        if (unitRef != null) {
            provision.addActor().setRole(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient")))
                    .setReference(new Reference(unitRef));
        }
        provision.addData().setMeaning(Consent.ConsentDataMeaning.INSTANCE)
                .setReference(new Reference("QuestionnaireResponse/" + decision.responseId()));
        return consent;
    }
}
