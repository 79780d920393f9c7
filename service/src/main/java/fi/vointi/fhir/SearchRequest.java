package fi.vointi.fhir;

import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.FhirContext;
import io.micronaut.http.HttpParameters;
import io.micronaut.http.HttpStatus;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of a FHIR search, checked against what the endpoint supports ({@link SearchSpec}) before
 * anything is looked up. An unknown parameter, modifier or value is refused with 400 rather than ignored: a search
 * silently widened by a typo could show a clinician the wrong patients' data.
 */
public final class SearchRequest {
    public static final int DEFAULT_COUNT = 20;
    public static final int MAX_COUNT = 200;
    /** Result parameters every search accepts ({@code _sort}, {@code _include}, {@code _revinclude}: see SearchSpec). */
    public static final Set<String> COMMON = Set.of("_count", "_offset", "_format", "_pretty", "_total", "_summary", "_elements");
    private static final Set<String> SINGLE_OCCURRENCE = Set.of("_count", "_offset", "_sort", "_total", "_format",
            "_pretty", "_summary", "_elements");
    /** {@code _summary} values: {@code true} and {@code data} are HAPI's summary and narrative-free encodings. */
    private static final Set<String> SUMMARIES = Set.of("true", "false", "count", "data");

    private final SearchSpec spec;
    private final Map<String, List<String>> values;

    private SearchRequest(SearchSpec spec, Map<String, List<String>> values) {
        this.spec = spec;
        this.values = values;
    }

    /** A search built inside the service (a page asking a search class), with these parameters and no result options. */
    public static SearchRequest of(HttpParameters parameters, Set<String> supported) {
        return of(parameters, SearchSpec.of(null, supported));
    }

    public static SearchRequest of(HttpParameters parameters, SearchSpec spec) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String name : parameters.names()) {
            if (!spec.accepts(name)) {
                String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
                TreeSet<String> all = new TreeSet<>(spec.parameters());
                all.addAll(COMMON);
                all.addAll(spec.resultParameters());
                String reason = spec.accepts(base)
                        ? "modifier '" + name.substring(base.length()) + "' is not supported for '" + base + "'"
                        : "unknown search parameter";
                throw FhirException.notSupported("Search parameter '" + name + "': " + reason
                        + ". Supported: " + String.join(", ", all));
            }
            values.put(name, new ArrayList<>(parameters.getAll(name)));
        }
        SearchRequest request = new SearchRequest(spec, values);
        request.checkResultParameters();
        return request;
    }

    /** Every result parameter is checked up front, also those a search would not otherwise read. */
    private void checkResultParameters() {
        first("_format").ifPresent(FhirFormat::require);
        first("_pretty").ifPresent(v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw FhirException.badRequest("_pretty takes true or false, not '" + v + "'");
            }
        });
        count();
        offset();
        totalRequested();
        summary();
        elements();
        sort();
        for (String include : all("_include")) {
            if (!spec.includes().contains(include)) {
                throw FhirException.notSupported("_include '" + include + "' is not supported; "
                        + (spec.includes().isEmpty() ? "this search includes nothing" : "use " + String.join(", ", spec.includes())));
            }
        }
        for (String include : all("_revinclude")) {
            if (!spec.revIncludes().contains(include)) {
                throw FhirException.notSupported("_revinclude '" + include + "' is not supported; "
                        + (spec.revIncludes().isEmpty() ? "this search includes nothing" : "use " + String.join(", ", spec.revIncludes())));
            }
        }
    }

    /** All occurrences of a parameter (ANDed); each may hold comma-separated alternatives (ORed). */
    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public Optional<String> first(String name) {
        List<String> list = all(name);
        // a repeat with the same value is harmless (HAPI's client adds _format to a next link that carries it)
        if (list.size() > 1 && SINGLE_OCCURRENCE.contains(name) && list.stream().distinct().count() > 1) {
            throw FhirException.badRequest("Parameter '" + name + "' may appear only once");
        }
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /**
     * Each occurrence of a parameter as its comma-separated alternatives: the occurrences all apply (AND), the
     * alternatives of one occurrence are ORed.
     */
    public List<List<String>> occurrences(String name) {
        List<List<String>> result = new ArrayList<>();
        for (String value : all(name)) {
            List<String> alternatives = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (alternatives.isEmpty()) {
                throw FhirException.badRequest("Parameter '" + name + "' has no value");
            }
            result.add(alternatives);
        }
        return result;
    }

    /** Comma-separated alternatives of a parameter, all occurrences together. */
    public List<String> alternatives(String name) {
        List<String> result = new ArrayList<>();
        for (String value : all(name)) {
            result.addAll(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        return result;
    }

    /** {@link #occurrences}, each alternative one of {@code allowed} (a token with a closed value set such as status). */
    public List<List<String>> codes(String name, Set<String> allowed) {
        List<List<String>> occurrences = occurrences(name);
        for (List<String> codes : occurrences) {
            for (String code : codes) {
                if (!allowed.contains(code)) {
                    throw FhirException.badRequest("Parameter '" + name + "': '" + code + "' is not one of "
                            + String.join(", ", new TreeSet<>(allowed)));
                }
            }
        }
        return occurrences;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** Entries per page: 0 with {@code _count=0} or {@code _summary=count}, when only the total is wanted. */
    public int count() {
        if ("count".equals(summary())) {
            return 0;
        }
        return first("_count").map(v -> parseNonNegative("_count", v)).map(c -> Math.min(c, MAX_COUNT)).orElse(DEFAULT_COUNT);
    }

    /** Whether the caller wants the total only (no entries, no next page). */
    public boolean totalOnly() {
        return count() == 0;
    }

    public int offset() {
        return first("_offset").map(v -> parseNonNegative("_offset", v)).orElse(0);
    }

    /**
     * Whether Bundle.total is to be computed: with {@code _total=estimate} or {@code accurate} (the count is always
     * accurate), and always when only the total is asked for.
     */
    public boolean totalRequested() {
        boolean asked = first("_total").map(v -> switch (v) {
            case "accurate", "estimate" -> true;
            case "none" -> false;
            default -> throw FhirException.badRequest("_total must be none, estimate or accurate, not '" + v + "'");
        }).orElse(false);
        return asked || count() == 0;
    }

    /** The {@code _summary} mode, or null. */
    public String summary() {
        String summary = first("_summary").orElse(null);
        if (summary != null && !SUMMARIES.contains(summary)) {
            throw FhirException.notSupported("_summary '" + summary + "' is not supported; use count, true, data or false");
        }
        if (summary != null && has("_elements")) {
            throw FhirException.badRequest("_summary and _elements cannot be combined");
        }
        return summary;
    }

    /** The {@code _elements} asked for (top-level element names of the searched resource), empty for all. */
    public List<String> elements() {
        Optional<String> raw = first("_elements");
        if (raw.isEmpty()) {
            return List.of();
        }
        List<String> names = alternatives("_elements");
        if (names.isEmpty()) {
            throw FhirException.badRequest("_elements has no element names");
        }
        if (spec.resourceType() == null) {
            throw FhirException.notSupported("_elements is not supported here");
        }
        checkElements(spec.resourceType(), names);
        return names;
    }

    /** {@code _elements} names must be top-level elements of the resource type (searches and reads): else 400. */
    static void checkElements(String resourceType, List<String> names) {
        BaseRuntimeElementCompositeDefinition<?> definition = FhirContext.forR4Cached().getResourceDefinition(resourceType);
        for (String name : names) {
            if (definition.getChildByName(name) == null && definition.getChildByName(name + "[x]") == null) {
                throw FhirException.badRequest("_elements: '" + name + "' is not an element of " + resourceType);
            }
        }
    }

    /** The validated {@code _sort}, or {@code defaultSort}. */
    public String sort(String defaultSort) {
        String sort = sort();
        return sort == null ? defaultSort : sort;
    }

    /** The validated {@code _sort}, or null. */
    public String sort() {
        Optional<String> sort = first("_sort");
        if (sort.isEmpty()) {
            return null;
        }
        if (!spec.sorts().contains(sort.get())) {
            throw FhirException.notSupported("_sort '" + sort.get() + "' is not supported; "
                    + (spec.sorts().isEmpty() ? "results come in a fixed order" : "use one of " + String.join(", ", spec.sorts())));
        }
        return sort.get();
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

    public SearchSpec spec() {
        return spec;
    }

    /** The parameters as given, for building paging links. */
    public Map<String, List<String>> values() {
        return values;
    }

    /** 406 for a {@code _format} this server does not speak. */
    static FhirException unsupportedFormat(String format) {
        return new FhirException(HttpStatus.NOT_ACCEPTABLE, IssueType.NOTSUPPORTED,
                "_format '" + format + "' is not supported; use json or xml (application/fhir+json, application/fhir+xml)");
    }
}
