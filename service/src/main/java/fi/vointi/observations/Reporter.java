package fi.vointi.observations;

import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

import java.util.Locale;
import java.util.Optional;

/**
 * Who answered the response a score comes from: the patient themself ({@link #SELF}) or someone for them
 * ({@link #PROXY}: a guardian, whose response names a {@code RelatedPerson} as its author or source). Scores of the
 * two are never put in one series: a guardian's view of a child's pain is a different measurement from the child's.
 */
public enum Reporter {
    SELF, PROXY;

    /** The code used in the API and the database: {@code self} or {@code proxy}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Reporter> fromCode(String code) {
        for (Reporter reporter : values()) {
            if (reporter.code().equals(code)) {
                return Optional.of(reporter);
            }
        }
        return Optional.empty();
    }

    /**
     * Proxy when who answered is a RelatedPerson — referenced, or contained as the server records a guardian's answer
     * (ResponseAuthors: {@code #answerer}); otherwise self. Who answered is the response's {@code source} when it has
     * one (a child's self-report recorded in a guardian's session has the guardian as author and the child as source),
     * else its {@code author}.
     */
    public static Reporter of(QuestionnaireResponse response) {
        Reference answered = response.hasSource() ? response.getSource() : response.getAuthor();
        return isRelatedPerson(response, answered) ? PROXY : SELF;
    }

    /**
     * Who answered (source, else author) when it is a Patient or a RelatedPerson, as a reference an Observation can
     * carry: a contained RelatedPerson cannot be pointed at from another resource, so it becomes a logical reference
     * (type and the guardian's identifier).
     */
    public static Reference performer(QuestionnaireResponse response) {
        for (Reference who : new Reference[]{response.getSource(), response.getAuthor()}) {
            Optional<Resource> contained = contained(response, who);
            if (contained.isPresent() && contained.get() instanceof RelatedPerson person) {
                Reference logical = new Reference().setType("RelatedPerson");
                if (person.hasIdentifier()) {
                    logical.setIdentifier(person.getIdentifierFirstRep().copy());
                }
                return logical;
            }
            String type = typeOf(response, who);
            if ("Patient".equals(type) || "RelatedPerson".equals(type)) {
                return who.copy();
            }
        }
        return null;
    }

    private static boolean isRelatedPerson(QuestionnaireResponse response, Reference reference) {
        return "RelatedPerson".equals(typeOf(response, reference));
    }

    private static String typeOf(QuestionnaireResponse response, Reference reference) {
        if (reference == null) {
            return null;
        }
        Optional<Resource> contained = contained(response, reference);
        if (contained.isPresent()) {
            return contained.get().fhirType();
        }
        if (reference.hasReference() && !reference.getReference().startsWith("#")) {
            return new IdType(reference.getReference()).getResourceType();
        }
        return reference.hasType() ? reference.getType() : null;
    }

    private static Optional<Resource> contained(QuestionnaireResponse response, Reference reference) {
        if (reference == null || !reference.hasReference() || !reference.getReference().startsWith("#")) {
            return Optional.empty();
        }
        if (reference.getResource() instanceof Resource resolved) {
            return Optional.of(resolved);
        }
        String local = reference.getReference().substring(1);
        return response.getContained().stream().filter(r -> {
            String id = r.getIdElement().getValue();
            return id != null && (id.equals(local) || id.equals("#" + local) || r.getIdElement().getIdPart().equals(local));
        }).findFirst();
    }
}
