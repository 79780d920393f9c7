package fi.vointi.observations;

import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

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

    /** Proxy when the response's author or source is a RelatedPerson; otherwise self. */
    public static Reporter of(QuestionnaireResponse response) {
        return isRelatedPerson(response.getAuthor()) || isRelatedPerson(response.getSource()) ? PROXY : SELF;
    }

    /** The reference of whoever answered (author, else source) when it is a Patient or a RelatedPerson. */
    public static Reference performer(QuestionnaireResponse response) {
        for (Reference who : new Reference[]{response.getAuthor(), response.getSource()}) {
            String type = typeOf(who);
            if ("Patient".equals(type) || "RelatedPerson".equals(type)) {
                return who.copy();
            }
        }
        return null;
    }

    private static boolean isRelatedPerson(Reference reference) {
        return "RelatedPerson".equals(typeOf(reference));
    }

    private static String typeOf(Reference reference) {
        if (reference == null) {
            return null;
        }
        if (reference.hasReference()) {
            return new IdType(reference.getReference()).getResourceType();
        }
        return reference.hasType() ? reference.getType() : null;
    }
}
