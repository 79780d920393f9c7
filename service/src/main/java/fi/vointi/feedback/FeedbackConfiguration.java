package fi.vointi.feedback;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code vointi.feedback.*}: public links, channel tokens and rate limits of customer feedback (docs/feedback.md).
 * Read at start-up, so that a wrong value stops the service rather than the first feedback.
 */
@ConfigurationProperties("vointi.feedback")
@Context
public class FeedbackConfiguration {
    /** A leaked SMS link must not stay usable for long. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(90);

    private String publicBaseUrl;
    private Duration tokenLifetime = Duration.ofDays(14);
    private int rateLimitSubmissions = 20;
    private Duration rateLimitWindow = Duration.ofMinutes(10);
    private Map<String, String> survey = new HashMap<>();

    /**
     * Public base of feedback links and QR codes, e.g. https://palaute.example-county.fi; required outside dev mode and
     * tests, never taken from a request ({@link PublicLinks}).
     */
    @Nullable
    public String getPublicBaseUrl() {
        return publicBaseUrl;
    }

    public void setPublicBaseUrl(@Nullable String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank() ? null : publicBaseUrl.replaceAll("/+$", "");
    }

    public Duration getTokenLifetime() {
        return tokenLifetime;
    }

    public void setTokenLifetime(Duration tokenLifetime) {
        if (tokenLifetime.isNegative() || tokenLifetime.isZero() || tokenLifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw new IllegalArgumentException("vointi.feedback.token-lifetime must be positive and at most 90 days, not " + tokenLifetime);
        }
        this.tokenLifetime = tokenLifetime;
    }

    /** Feedback submissions one client address may make per window. */
    public int getRateLimitSubmissions() {
        return rateLimitSubmissions;
    }

    public void setRateLimitSubmissions(int rateLimitSubmissions) {
        if (rateLimitSubmissions < 1) {
            throw new IllegalArgumentException("vointi.feedback.rate-limit-submissions must be at least 1");
        }
        this.rateLimitSubmissions = rateLimitSubmissions;
    }

    public Duration getRateLimitWindow() {
        return rateLimitWindow;
    }

    public void setRateLimitWindow(Duration rateLimitWindow) {
        if (rateLimitWindow.isNegative() || rateLimitWindow.isZero()) {
            throw new IllegalArgumentException("vointi.feedback.rate-limit-window must be positive");
        }
        this.rateLimitWindow = rateLimitWindow;
    }

    /** Canonical URL of the questionnaire per audience (adult, child, relative, staff); unset = found by its feedback-survey tag. */
    public Map<String, String> getSurvey() {
        return survey;
    }

    public void setSurvey(Map<String, String> survey) {
        this.survey = survey == null ? new HashMap<>() : new HashMap<>(survey);
    }
}
