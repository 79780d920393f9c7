package fi.vointi.signin;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.uri.UriBuilder;

import java.net.URI;

/**
 * The person's pages under {@code /app} need a signed-in person: a browser that opens one without a (live) session
 * gets {@code 303 See Other} to {@code /signin?return=<the page's path and query>} instead of the 401 page, and comes
 * back to the page after signing in. Also the safety net behind any /app page that answers 401 itself.
 * Another part of the callback: a failed code exchange at {@code /oauth/callback/...} (any error answer that is not
 * already our page, e.g. the provider's token endpoint refusing the code) becomes the sign-in problem page.
 */
@ServerFilter({"/app", "/app/**", "/oauth/**"})
public class SignInRedirects implements Ordered {
    private final SignInPages pages;

    public SignInRedirects(SignInPages pages) {
        this.pages = pages;
    }

    @ResponseFilter
    public MutableHttpResponse<?> redirect(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String path = request.getPath();
        if (path.startsWith("/oauth/")) {
            boolean html = response.getContentType().map(t -> t.getName().equals(MediaType.TEXT_HTML)).orElse(false);
            return response.code() >= 400 && !html ? pages.failed(request, false) : response;
        }
        if (response.code() == 401 && request.getMethod() == HttpMethod.GET && wantsHtml(request)
                && !request.getHeaders().contains("Authorization")) {
            String query = request.getUri().getRawQuery();
            String here = query == null ? request.getUri().getRawPath() : request.getUri().getRawPath() + "?" + query;
            return HttpResponse.seeOther(URI.create(UriBuilder.of("/signin").queryParam("return", ReturnPaths.safe(here)).toString()))
                    .header("Cache-Control", "no-store");
        }
        return response;
    }

    private static boolean wantsHtml(HttpRequest<?> request) {
        return request.getHeaders().accept().stream().anyMatch(type -> type.getName().equals(MediaType.TEXT_HTML));
    }

    @Override
    public int getOrder() {
        // inside BrowserErrorPages (which runs first on the way in, last on the way out)
        return ServerFilterPhase.FIRST.after();
    }
}
