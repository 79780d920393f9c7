package fi.vointi.fhir;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one search endpoint supports: its search parameters (with the modifiers accepted, e.g. {@code name:exact}),
 * its {@code _sort} orders (the first is the default), and the {@code _include} / {@code _revinclude} values it
 * resolves. The CapabilityStatement is built from the same sets.
 *
 * @param resourceType the searched resource type, for {@code _elements}
 */
public record SearchSpec(String resourceType, Set<String> parameters, List<String> sorts, Set<String> includes,
                         Set<String> revIncludes) {

    public static SearchSpec of(String resourceType, Set<String> parameters) {
        return new SearchSpec(resourceType, parameters, List.of(), Set.of(), Set.of());
    }

    /** The orders {@code _sort} may ask for; the first is the default. */
    public SearchSpec sorts(String... sorts) {
        return new SearchSpec(resourceType, parameters, List.of(sorts), includes, revIncludes);
    }

    public SearchSpec includes(String... includes) {
        return new SearchSpec(resourceType, parameters, sorts, Set.of(includes), revIncludes);
    }

    public SearchSpec revIncludes(String... revIncludes) {
        return new SearchSpec(resourceType, parameters, sorts, includes, Set.of(revIncludes));
    }

    /** The result parameters this search takes beyond {@link SearchRequest#COMMON}. */
    Set<String> resultParameters() {
        Set<String> names = new LinkedHashSet<>();
        if (!sorts.isEmpty()) {
            names.add("_sort");
        }
        if (!includes.isEmpty()) {
            names.add("_include");
        }
        if (!revIncludes.isEmpty()) {
            names.add("_revinclude");
        }
        return names;
    }

    /**
     * Whether a parameter name is taken. {@code _sort} is always taken so that its value is refused with a reason;
     * {@code _include} and {@code _revinclude} likewise.
     */
    boolean accepts(String name) {
        return parameters.contains(name) || SearchRequest.COMMON.contains(name)
                || name.equals("_sort") || name.equals("_include") || name.equals("_revinclude");
    }
}
