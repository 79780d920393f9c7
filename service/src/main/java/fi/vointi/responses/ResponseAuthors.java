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

    /** A new response to a questionnaire that declares no respondent type: {@link #apply(Caller, QuestionnaireResponse, QuestionnaireResponse, RespondentType)}. */
    public static Optional<String> apply(Caller caller, QuestionnaireResponse response) {
        return apply(caller, response, null, null);
    }

    /** A new response to a questionnaire that declares {@code declared} (null: none). */
    public static Optional<String> apply(Caller caller, QuestionnaireResponse response, RespondentType declared) {
        return apply(caller, response, null, declared);
    }

    /**
     * Sets {@code author} and {@code source} for {@code caller}; returns a problem when the response names someone else,
     * or when the caller is not who the questionnaire's declared respondent type ({@code declared}, null: none) allows.
     * Call after the access policy allowed the write.
     *
     * <p>On an update of {@code stored} (null for a create), who answered as a backend client recorded it (an imported
     * answer: a Device, a Practitioner) is kept when a person sends it back unchanged, say when the patient marks the
     * imported answer entered-in-error.
     *
     * <p>Declared {@code proxy}: the patient's own sign-in is refused (their answers are no proxy report), a guardian
     * records a proxy report as usual. Declared {@code self}: a guardian signed in records the child's own answers
     * (author = the guardian, who recorded them; source = the child, who answered), so the score stays in the child's
     * self-report series. Backend clients: a source (else author) contradicting the declaration is refused.
     */
    public static Optional<String> apply(Caller caller, QuestionnaireResponse response, QuestionnaireResponse stored,
                                         RespondentType declared) {
        if (caller.has(Role.SYSTEM)) {
            Optional<String> problem = recordedByBackend(caller, response);
            return problem.isPresent() || declared == null ? problem : backendMismatch(response, declared);
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
        if (self && declared == RespondentType.PROXY) {
            return Optional.of("This questionnaire is a proxy report, answered by a guardian about the patient;"
                    + " the patient's own answers cannot be recorded on it (use the self-report version)");
        }
        // a guardian recording a self-report questionnaire: the child answered, the guardian's session recorded it
        boolean childAnswers = proxy && declared == RespondentType.SELF;
        String expectedAuthor = self ? "Patient/" + patientId : "#" + PROXY_ID;
        String expectedSource = self || childAnswers ? "Patient/" + patientId : "#" + PROXY_ID;
        for (String element : new String[] {"author", "source"}) {
            String expected = element.equals("author") ? expectedAuthor : expectedSource;
            Reference given = element.equals("author") ? response.getAuthor() : response.getSource();
            if (given != null && !given.isEmpty() && !expected.equals(given.getReference())) {
                return Optional.of("QuestionnaireResponse." + element + " is set by the server from who is signed in ("
                        + (self ? "the patient" : "the guardian, as a contained RelatedPerson") + "); leave it out");
            }
        }
        response.getContained().removeIf(r -> PROXY_ID.equals(localId(r)));
        if (self) {
            response.setAuthor(keep(response.getAuthor(), expectedAuthor));
            response.setSource(keep(response.getSource(), expectedSource));
        } else {
            RelatedPerson guardian = new RelatedPerson();
            guardian.setId(PROXY_ID);
            guardian.addIdentifier(new Identifier().setSystem(SUBJECT_SYSTEM).setValue(caller.id()));
            guardian.setPatient(new Reference("Patient/" + patientId));
            guardian.addRelationship(new CodeableConcept(new Coding(ROLE_CODES, "GUARD", "guardian")));
            response.addContained(guardian);
            response.setAuthor(new Reference("#" + PROXY_ID));
            response.setSource(childAnswers ? keep(response.getSource(), expectedSource) : new Reference("#" + PROXY_ID));
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

    /** A backend client's source (else author) against the declaration: a Patient on a proxy form, a RelatedPerson on a self form. */
    private static Optional<String> backendMismatch(QuestionnaireResponse response, RespondentType declared) {
        Reference who = response.hasSource() ? response.getSource() : response.hasAuthor() ? response.getAuthor() : null;
        String type = who == null ? null : typeOf(response, who);
        if (declared == RespondentType.PROXY && "Patient".equals(type)) {
            return Optional.of("This questionnaire is a proxy report: its source (who answered) must be a"
                    + " RelatedPerson, not the Patient");
        }
        if (declared == RespondentType.SELF && "RelatedPerson".equals(type)) {
            return Optional.of("This questionnaire is a self-report: its source (who answered) must be the"
                    + " Patient, not a RelatedPerson");
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
