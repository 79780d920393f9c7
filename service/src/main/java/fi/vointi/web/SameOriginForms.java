package fi.vointi.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-site request forgery protection for every form post (docs/web.md): a browser says where a request comes
 * from, and we accept a state-changing request of a kind a foreign page can send (a form: url-encoded, multipart or
 * text/plain) only from our own origin.
 * <ul>
 *   <li>{@code Sec-Fetch-Site} (every current browser): must be {@code same-origin};</li>
 *   <li>otherwise {@code Origin}: must be this service's own origin (the public base URL, or the scheme and
 *       {@code Host} the browser itself used — a foreign page cannot make a browser lie about either);
 *       {@code Origin: null} (opaque, e.g. a sandboxed frame) is refused;</li>
 *   <li>neither header: not a browser (curl, integrations), so there is no ambient session to abuse.</li>
 * </ul>
 * JSON and FHIR bodies need a CORS preflight from a foreign page, which the CORS configuration refuses, so they are
 * not checked here. No token is needed, so the forms stay plain HTML and work without JavaScript or cookies.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class SameOriginForms implements Ordered {
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);
    private static final Set<String> FORM_TYPES = Set.of(MediaType.APPLICATION_FORM_URLENCODED,
            MediaType.MULTIPART_FORM_DATA, MediaType.TEXT_PLAIN);

    private final HtmlPages pages;
    private final PublicBase publicBase;

    public SameOriginForms(HtmlPages pages, PublicBase publicBase) {
        this.pages = pages;
        this.publicBase = publicBase;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        if (SAFE.contains(request.getMethod()) || !formLike(request) || fromOwnOrigin(request)) {
            return null;
        }
        String lang = Languages.of(request);
        Page page = Page.of(request, lang, Messages.get(lang, "error.crossSite.title")).withHere("/");
        return pages.message(request, HttpStatus.FORBIDDEN, page, new HtmlPages.MessageView(
                page.t("error.crossSite.title"), page.t("error.crossSite.text"), "/", page.t("error.home"), null, true));
    }

    private static boolean formLike(HttpRequest<?> request) {
        return request.getContentType().map(type -> FORM_TYPES.contains(type.getName().toLowerCase(Locale.ROOT)))
                .orElse(true);
    }

    boolean fromOwnOrigin(HttpRequest<?> request) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null) {
            return "same-origin".equalsIgnoreCase(site.trim());
        }
        String origin = request.getHeaders().get("Origin");
        if (origin == null) {
            return true;
        }
        return ownOrigins(request).contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    private Set<String> ownOrigins(HttpRequest<?> request) {
        String host = request.getHeaders().get("Host");
        String scheme = request.isSecure() ? "https://" : "http://";
        String configured = publicBase.configuredOrigin();
        return host == null ? (configured == null ? Set.of() : Set.of(configured))
                : configured == null ? Set.of((scheme + host).toLowerCase(Locale.ROOT))
                : Set.of((scheme + host).toLowerCase(Locale.ROOT), configured);
    }

    /** The origin part (scheme://host[:port]) of a URL, lower case. */
    static String originOf(String url) {
        URI uri = URI.create(url);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return (uri.getScheme() + "://" + uri.getHost() + port).toLowerCase(Locale.ROOT);
    }

    @Override
    public int getOrder() {
        // before security and routing: a forged post never reaches a controller
        return ServerFilterPhase.FIRST.after();
    }
}
