package fi.vointi.web.answer;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Every /app page for an anonymous caller: 303 to the sign-in, returning to this page (docs: signin contract). */
final class SignInRedirect {
    private SignInRedirect() {
    }

    static MutableHttpResponse<String> to(HttpRequest<?> request) {
        String path = request.getUri().getRawPath();
        // a post after the session ended returns to the page it came from (a GET address)
        path = path.endsWith("/send") ? path.substring(0, path.length() - 5) + "/review" : path;
        String here = path + (request.getUri().getRawQuery() == null ? "" : "?" + request.getUri().getRawQuery());
        return HttpResponse.<String>seeOther(URI.create("/signin?return=" + URLEncoder.encode(here, StandardCharsets.UTF_8)))
                .header("Cache-Control", "no-store");
    }
}
