package fi.vointi.fhir;

import io.micronaut.http.HttpParameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of a FHIR search, checked against what the endpoint supports. An unknown
 * parameter is refused with 400 rather than ignored: a search silently widened by a typo could show a
 * clinician the wrong patients' data.
 */
public final class SearchRequest {
    public static final int DEFAULT_COUNT = 20;
    public static final int MAX_COUNT = 200;
    /** Parameters every search accepts. */
    private static final Set<String> COMMON = Set.of("_count", "_offset", "_format", "_pretty", "_sort", "_total");
    private static final Set<String> SINGLE_OCCURRENCE = Set.of("_count", "_offset", "_sort", "_total", "_format");

    private final Map<String, List<String>> values;

    private SearchRequest(Map<String, List<String>> values) {
        this.values = values;
    }

    public static SearchRequest of(HttpParameters parameters, Set<String> supported) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String name : parameters.names()) {
            String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
            if (!supported.contains(name) && !COMMON.contains(name)) {
                TreeSet<String> all = new TreeSet<>(supported);
                all.addAll(COMMON);
                String reason = supported.contains(base)
                        ? "modifier '" + name.substring(base.length()) + "' is not supported for '" + base + "'"
                        : "unknown search parameter";
                throw FhirException.notSupported("Search parameter '" + name + "': " + reason
                        + ". Supported: " + String.join(", ", all));
            }
            values.put(name, new ArrayList<>(parameters.getAll(name)));
        }
        SearchRequest request = new SearchRequest(values);
        request.first("_format").ifPresent(SearchRequest::checkFormat);
        return request;
    }

    private static void checkFormat(String format) {
        if (!Set.of("json", "application/json", "application/fhir+json").contains(format)) {
            throw new FhirException(io.micronaut.http.HttpStatus.NOT_ACCEPTABLE,
                    org.hl7.fhir.r4.model.OperationOutcome.IssueType.NOTSUPPORTED,
                    "_format '" + format + "' is not supported; this server speaks FHIR JSON only");
        }
    }

    /** All occurrences of a parameter (ANDed); each may hold comma-separated alternatives (ORed). */
    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public Optional<String> first(String name) {
        List<String> list = all(name);
        if (list.size() > 1 && SINGLE_OCCURRENCE.contains(name)) {
            throw FhirException.badRequest("Parameter '" + name + "' may appear only once");
        }
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /** Comma-separated alternatives of a single-occurrence parameter. */
    public List<String> alternatives(String name) {
        List<String> result = new ArrayList<>();
        for (String value : all(name)) {
            result.addAll(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        return result;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int count() {
        return first("_count").map(v -> parseNonNegative("_count", v)).map(c -> Math.min(c, MAX_COUNT)).orElse(DEFAULT_COUNT);
    }

    public int offset() {
        return first("_offset").map(v -> parseNonNegative("_offset", v)).orElse(0);
    }

    public boolean totalRequested() {
        return first("_total").map(v -> switch (v) {
            case "accurate", "estimate" -> true;
            case "none" -> false;
            default -> throw FhirException.badRequest("_total must be none, estimate or accurate");
        }).orElse(false);
    }

    private static int parseNonNegative(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw FhirException.badRequest("Parameter '" + name + "' must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("Parameter '" + name + "' must be a whole number, not '" + value + "'");
        }
    }

    /** The parameters as given, for building paging links. */
    public Map<String, List<String>> values() {
        return values;
    }
}
