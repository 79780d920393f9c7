package fi.vointi.bulk;

import ca.uhn.fhir.parser.DataFormatException;
import fi.vointi.fhir.FhirException;
import org.hl7.fhir.r4.model.InstantType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kick-off parameters of a Bulk Data export, checked: {@code _type}, {@code _since}, {@code _outputFormat}.
 * Pure logic. A parameter we do not implement is refused rather than ignored, because ignoring {@code _typeFilter}
 * or {@code patient} would hand out more than the client asked for.
 *
 * @param types the resource types in export order (every type this server exports when {@code _type} is absent;
 *              the controller then keeps those the client may read, {@link fi.vointi.security.AccessPolicy#exportType})
 * @param typesAsked whether the client named the types ({@code _type}): then a type it may not read is refused
 * @param since only resources changed strictly after this instant; null for everything
 */
public record ExportRequest(List<String> types, boolean typesAsked, Instant since) {
    /**
     * What this server exports, in the order of the files: a response before the scores derived from it and the
     * sharing decisions about it, then the invitations, then the catalog and the organisation structure.
     */
    public static final List<String> TYPES = List.of("QuestionnaireResponse", "Observation", "Consent", "Task",
            "Questionnaire", "Organization");
    public static final Set<String> OUTPUT_FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
    private static final Set<String> PARAMETERS = Set.of("_type", "_since", "_outputFormat", "_format");

    /** @param parameters each query parameter with all of its values */
    public static ExportRequest parse(Map<String, List<String>> parameters) {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw FhirException.notSupported("Parameter '" + name + "' is not supported by $export here;"
                        + " supported are _type, _since and _outputFormat");
            }
        }
        for (String format : parameters.getOrDefault("_outputFormat", List.of())) {
            if (!OUTPUT_FORMATS.contains(format.trim())) {
                throw FhirException.notSupported("_outputFormat '" + format + "' is not supported; use application/fhir+ndjson");
            }
        }
        Set<String> asked = new LinkedHashSet<>();
        for (String value : parameters.getOrDefault("_type", List.of())) {
            for (String type : value.split(",")) {
                String trimmed = type.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (!TYPES.contains(trimmed)) {
                    throw FhirException.notSupported("_type '" + trimmed + "' is not exported by this server;"
                            + " exported types are " + String.join(", ", TYPES));
                }
                asked.add(trimmed);
            }
        }
        List<String> types = asked.isEmpty() ? TYPES : TYPES.stream().filter(asked::contains).toList();
        List<String> sinces = parameters.getOrDefault("_since", List.of());
        if (sinces.size() > 1) {
            throw FhirException.badRequest("_since may be given once");
        }
        return new ExportRequest(new ArrayList<>(types), !asked.isEmpty(), sinces.isEmpty() ? null : instant(sinces.get(0)));
    }

    /** The same request with only these of its types (in its order). */
    public ExportRequest onlyTypes(java.util.Collection<String> kept) {
        return new ExportRequest(types.stream().filter(kept::contains).toList(), typesAsked, since);
    }

    /** A FHIR instant (HAPI's parser): seconds and a time zone are required. */
    private static Instant instant(String value) {
        try {
            InstantType instant = new InstantType(value.trim());
            if (instant.getValue() == null || instant.getTimeZone() == null && !instant.isTimeZoneZulu()) {
                throw new DataFormatException("no time zone");
            }
            return instant.getValue().toInstant();
        } catch (DataFormatException | IllegalArgumentException e) {
            throw FhirException.badRequest("_since must be a FHIR instant such as 2026-01-31T12:00:00Z, not '" + value + "'");
        }
    }
}
