package fi.vointi.fhir;

import io.micronaut.http.HttpRequest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds searchset Bundles with self / next / previous links that carry the same parameters. */
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
        if (hasNext) {
            bundle.addLink().setRelation("next").setUrl(link(baseUrl, resourceType, request.values(), offset + count, count));
        }
        if (offset > 0) {
            bundle.addLink().setRelation("previous")
                    .setUrl(link(baseUrl, resourceType, request.values(), Math.max(0, offset - count), count));
        }
        for (Resource resource : page) {
            bundle.addEntry()
                    .setFullUrl(baseUrl + "/" + resourceType + "/" + resource.getIdElement().getIdPart())
                    .setResource(resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
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

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%7C", "|").replace("%3A", ":").replace("%2F", "/");
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
