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
 * <li>backend clients (EHR integrations, history imports) record who answered themselves: their values are kept when
 * they name a resource type FHIR allows there ({@link #SYSTEM_AUTHOR_TYPES}, {@link #SYSTEM_SOURCE_TYPES}); without
 * an {@code author} the client itself is recorded as the author, a logical {@code Device} reference with the OAuth2
 * client id ({@value #CLIENT_SYSTEM}).</li>
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
    /** The system of the identifier of a backend client recorded as a response's author. */
    public static final String CLIENT_SYSTEM = "https://vointi.fi/fhir/sid/oauth-client";
    /** What a backend client may name as author: the R4 target types of QuestionnaireResponse.author. */
    static final java.util.Set<String> SYSTEM_AUTHOR_TYPES = java.util.Set.of("Device", "Practitioner",
            "PractitionerRole", "Patient", "RelatedPerson", "Organization");
    /** ... and as source: the R4 target types of QuestionnaireResponse.source. */
    static final java.util.Set<String> SYSTEM_SOURCE_TYPES = java.util.Set.of("Patient", "Practitioner",
            "PractitionerRole", "RelatedPerson");

    private ResponseAuthors() {
    }

    /**
     * Sets {@code author} and {@code source} for {@code caller}; returns a problem when the response names someone else.
     * Call after the access policy allowed the write.
     */
    public static Optional<String> apply(Caller caller, QuestionnaireResponse response) {
        return apply(caller, response, null);
    }

    /**
     * As {@link #apply(Caller, QuestionnaireResponse)}, for an update of {@code stored}: who answered as a backend client
     * recorded it (an imported answer: a Device, a Practitioner) is kept when a person sends it back unchanged, say
     * when the patient marks the imported answer entered-in-error.
     */
    public static Optional<String> apply(Caller caller, QuestionnaireResponse response, QuestionnaireResponse stored) {
        if (caller.has(Role.SYSTEM)) {
            return recordedByBackend(caller, response);
        }
        if (stored != null && unchangedFromBackend(stored, response)) {
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

    private static boolean unchangedFromBackend(QuestionnaireResponse stored, QuestionnaireResponse response) {
        String author = stored.hasAuthor() ? stored.getAuthor().getReference() : null;
        boolean personRecord = !stored.hasAuthor()
                || (author != null && (author.startsWith("Patient/") || author.equals("#" + PROXY_ID)));
        return !personRecord && stored.getAuthor().equalsDeep(response.getAuthor())
                && stored.getSource().equalsDeep(response.getSource());
    }

    /** A backend client's author and source: kept when of a type FHIR allows there; the client when no author. */
    private static Optional<String> recordedByBackend(Caller caller, QuestionnaireResponse response) {
        for (String element : new String[] {"author", "source"}) {
            Reference given = element.equals("author") ? response.getAuthor() : response.getSource();
            if (given == null || given.isEmpty()) {
                continue;
            }
            String type = typeOf(response, given);
            java.util.Set<String> allowed = element.equals("author") ? SYSTEM_AUTHOR_TYPES : SYSTEM_SOURCE_TYPES;
            // a reference that names no type (display only) says nothing the server could check
            if (type != null && !allowed.contains(type)) {
                return Optional.of("QuestionnaireResponse." + element + " must be one of " + String.join(", ",
                        new java.util.TreeSet<>(allowed)) + ", not a " + type);
            }
        }
        String client = caller.clientId() != null ? caller.clientId() : caller.id();
        if ((response.getAuthor() == null || response.getAuthor().isEmpty()) && client != null) {
            response.setAuthor(new Reference().setType("Device")
                    .setIdentifier(new Identifier().setSystem(CLIENT_SYSTEM).setValue(client)));
        }
        return Optional.empty();
    }

    /** The resource type a reference names: the contained resource's, the literal reference's, or its type. */
    private static String typeOf(QuestionnaireResponse response, Reference reference) {
        String literal = reference.getReference();
        if (literal != null && literal.startsWith("#")) {
            return response.getContained().stream().filter(r -> literal.substring(1).equals(localId(r)))
                    .map(Resource::fhirType).findFirst().orElse(null);
        }
        if (literal != null && !literal.isBlank()) {
            return new org.hl7.fhir.r4.model.IdType(literal).getResourceType();
        }
        return reference.hasType() ? reference.getType() : null;
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
