package fi.vointi.responses;

import fi.vointi.security.Caller;
import fi.vointi.security.Role;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

import java.util.Optional;

/**
 * Who answered a response ({@code author} and {@code source}), set by the server from the caller and never taken
 * from the client (docs/web.md, "Who answered"):
 * <ul>
 * <li>a patient answering for themself: both are {@code Patient/{id}} (self-report; also the invitation link, which
 * stands in for the patient's sign-in);</li>
 * <li>a guardian answering for a child: both point to a contained {@code RelatedPerson} {@code #answerer} whose
 * identifier is the guardian's token subject ({@value #SUBJECT_SYSTEM}), with {@code patient} = the child and
 * relationship {@code GUARD} (proxy report);</li>
 * <li>backend clients (EHR integrations) record who answered themselves: their values are kept.</li>
 * </ul>
 * A person's request naming another author or source is refused (422) rather than silently rewritten, so that a client
 * learns that it cannot speak for someone else; leaving them out is the normal case.
 */
public final class ResponseAuthors {
    /** The system of the identifier that holds a guardian's token subject ({@code sub}). */
    public static final String SUBJECT_SYSTEM = "https://vointi.fi/fhir/sid/token-subject";
    /** Local id of the contained RelatedPerson of a proxy answer. */
    public static final String PROXY_ID = "answerer";
    static final String ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

    private ResponseAuthors() {
    }

    /**
     * Sets {@code author} and {@code source} for {@code caller}; returns a problem when the response names someone else.
     * Call after the access policy allowed the write.
     */
    public static Optional<String> apply(Caller caller, QuestionnaireResponse response) {
        if (caller.has(Role.SYSTEM)) {
            return Optional.empty();
        }
        ResponseReferences subject = ResponseReferences.of(response.getSubject());
        String patientId = subject.id();
        if (patientId == null || !"Patient".equals(subject.type())) {
            return Optional.empty();
        }
        boolean self = caller.has(Role.PATIENT) && patientId.equals(caller.patientId());
        boolean proxy = !self && caller.has(Role.GUARDIAN) && caller.guardianOf().contains(patientId);
        if (!self && !proxy) {
            return Optional.empty();
        }
        String expected = self ? "Patient/" + patientId : "#" + PROXY_ID;
        for (String element : new String[] {"author", "source"}) {
            Reference given = element.equals("author") ? response.getAuthor() : response.getSource();
            if (given != null && !given.isEmpty() && !expected.equals(given.getReference())) {
                return Optional.of("QuestionnaireResponse." + element + " is set by the server from who is signed in ("
                        + (self ? "the patient" : "the guardian, as a contained RelatedPerson") + "); leave it out");
            }
        }
        response.getContained().removeIf(r -> PROXY_ID.equals(localId(r)));
        if (self) {
            response.setAuthor(keep(response.getAuthor(), expected));
            response.setSource(keep(response.getSource(), expected));
        } else {
            RelatedPerson guardian = new RelatedPerson();
            guardian.setId(PROXY_ID);
            guardian.addIdentifier(new Identifier().setSystem(SUBJECT_SYSTEM).setValue(caller.id()));
            guardian.setPatient(new Reference("Patient/" + patientId));
            guardian.addRelationship(new CodeableConcept(new Coding(ROLE_CODES, "GUARD", "guardian")));
            response.addContained(guardian);
            response.setAuthor(new Reference("#" + PROXY_ID));
            response.setSource(new Reference("#" + PROXY_ID));
        }
        return Optional.empty();
    }

    /** Whether the response was answered by someone for the patient (a contained RelatedPerson as author). */
    public static boolean isProxy(QuestionnaireResponse response) {
        return response.hasAuthor() && ("#" + PROXY_ID).equals(response.getAuthor().getReference());
    }

    private static Reference keep(Reference given, String expected) {
        return given != null && expected.equals(given.getReference()) ? given : new Reference(expected);
    }

    private static String localId(Resource resource) {
        String id = resource.getIdElement().getValue();
        return id == null ? null : id.startsWith("#") ? id.substring(1) : id;
    }
}
