package fi.vointi.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The web app manifest ({@code /manifest.webmanifest}, linked from every page): Vointi can be added to a phone's home
 * screen and opens {@code /app} in its own window. No service worker: nothing, least of all a page with health data,
 * is cached for offline use.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
public class ManifestController {
    public static final String MEDIA_TYPE = "application/manifest+json";
    private final byte[] manifest;

    public ManifestController() {
        try (InputStream in = ManifestController.class.getClassLoader().getResourceAsStream("web/manifest.webmanifest")) {
            if (in == null) {
                throw new IllegalStateException("web/manifest.webmanifest is missing from the class path");
            }
            this.manifest = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(uri = "/manifest.webmanifest", produces = MEDIA_TYPE)
    public HttpResponse<byte[]> manifest() {
        // the same for everybody and nothing personal: may be cached for a day
        return HttpResponse.ok(manifest).contentType(MediaType.of(MEDIA_TYPE + ";charset=utf-8"))
                .header("Cache-Control", "public, max-age=86400");
    }
}
