package fi.vointi.fhir;

import ca.uhn.fhir.util.UrlUtil;
import io.micronaut.http.HttpRequest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds searchset Bundles whose self / first / previous / next / last links carry the same parameters, percent-encoded
 * so that every client can follow them ({@code |} of a token or versioned canonical is {@code %7C}).
 */
public final class SearchBundles {
    private SearchBundles() {
    }

    /**
     * @param page    the resources of this page (at most {@code request.count()})
     * @param hasNext whether a further page exists
     * @param total   the total number of matches, or null when not computed
     */
    public static Bundle searchset(String baseUrl, String resourceType, SearchRequest request,
                                   List<? extends Resource> page, boolean hasNext, Integer total) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        if (total != null) {
            bundle.setTotal(total);
        }
        int offset = request.offset();
        int count = request.count();
        bundle.addLink().setRelation("self").setUrl(link(baseUrl, resourceType, request.values(), offset, count));
        if (count == 0) {
            return bundle; // the total only: no entries and nothing to page through
        }
        bundle.addLink().setRelation("first").setUrl(link(baseUrl, resourceType, request.values(), 0, count));
        if (offset > 0) {
            bundle.addLink().setRelation("previous")
                    .setUrl(link(baseUrl, resourceType, request.values(), Math.max(0, offset - count), count));
        }
        if (hasNext) {
            bundle.addLink().setRelation("next").setUrl(link(baseUrl, resourceType, request.values(), offset + count, count));
        }
        if (total != null) {
            int last = total == 0 ? 0 : ((total - 1) / count) * count;
            bundle.addLink().setRelation("last").setUrl(link(baseUrl, resourceType, request.values(), last, count));
        }
        for (Resource resource : page) {
            bundle.addEntry()
                    .setFullUrl(fullUrl(baseUrl, resource))
                    .setResource(resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /** Adds resources asked for with _include / _revinclude (search.mode include), each once. */
    public static void include(Bundle bundle, String baseUrl, List<? extends Resource> included) {
        java.util.Set<String> present = new java.util.HashSet<>();
        bundle.getEntry().forEach(e -> present.add(e.getFullUrl()));
        for (Resource resource : included) {
            String fullUrl = fullUrl(baseUrl, resource);
            if (present.add(fullUrl)) {
                bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
            }
        }
    }

    private static String fullUrl(String baseUrl, Resource resource) {
        return baseUrl + "/" + resource.fhirType() + "/" + UrlUtil.escapeUrlParam(resource.getIdElement().getIdPart());
    }

    private static String link(String baseUrl, String resourceType, Map<String, List<String>> values, int offset, int count) {
        List<String> parts = new ArrayList<>();
        values.forEach((name, list) -> {
            if (!name.equals("_offset") && !name.equals("_count")) {
                list.forEach(v -> parts.add(encode(name) + "=" + encode(v)));
            }
        });
        parts.add("_count=" + count);
        if (offset > 0) {
            parts.add("_offset=" + offset);
        }
        return baseUrl + "/" + resourceType + "?" + String.join("&", parts);
    }

    /**
     * A query name or value, percent-encoded by HAPI ({@link UrlUtil#escapeUrlParam}, form encoding with {@code %20}
     * for a space); {@code :} and {@code /}, legal in a query (RFC 3986), are left readable.
     */
    static String encode(String s) {
        return UrlUtil.escapeUrlParam(s).replace("+", "%20").replace("%3A", ":").replace("%2F", "/");
    }

    /**
     * The service base of the FHIR API for every link the service builds (Location, fullUrl, paging, invitation links):
     * {@code vointi.fhir.base-url}, which {@link PublicBaseUrlCheck} requires outside dev mode. Without it (dev mode,
     * tests) the local address the request reached this server on, never the request's {@code Host} header, which any
     * client chooses ({@code http://evil.example/…} in an invitation link).
     */
    public static String baseUrl(HttpRequest<?> request, String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        java.net.InetSocketAddress local = request.getServerAddress();
        String host = local.getAddress() != null && (local.getAddress().isAnyLocalAddress() || local.getAddress().isLoopbackAddress()) ? "localhost"
                : local.getAddress() != null ? hostLiteral(local.getAddress()) : local.getHostString();
        return (request.isSecure() ? "https://" : "http://") + host + ":" + local.getPort() + "/fhir";
    }

    private static String hostLiteral(java.net.InetAddress address) {
        String literal = address.getHostAddress();
        return address instanceof java.net.Inet6Address ? "[" + literal.replaceFirst("%.*$", "") + "]" : literal;
    }
}
