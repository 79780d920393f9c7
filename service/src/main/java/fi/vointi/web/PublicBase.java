package fi.vointi.web;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/** The origin of the configured public base URL (vointi.feedback.public-base-url), which a browser may post from. */
@Singleton
public class PublicBase {
    @Nullable
    private final String origin;

    public PublicBase(@Nullable @Value("${vointi.feedback.public-base-url:}") String publicBaseUrl) {
        this.origin = publicBaseUrl == null || publicBaseUrl.isBlank() ? null : SameOriginForms.originOf(publicBaseUrl.trim());
    }

    @Nullable
    public String configuredOrigin() {
        return origin;
    }
}
