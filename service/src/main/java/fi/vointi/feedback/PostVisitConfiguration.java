package fi.vointi.feedback;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code vointi.feedback.post-visit.*}: which share of reported visits gets a feedback SMS, how often one person may get
 * one, how old a visit may be, and how long its link lives (docs/feedback.md, "Post-visit feedback SMS"). Read at
 * start-up, so that a wrong share stops the service rather than the first visit.
 */
@ConfigurationProperties("vointi.feedback.post-visit")
@Context
public class PostVisitConfiguration {
    private double share;
    private Map<String, Long> unitShares = Map.of();
    @Nullable
    private String unitSharesText;
    private Duration period = Duration.ofDays(30);
    private Duration maxAge = Duration.ofHours(24);
    private Duration linkLifetime = Duration.ofDays(7);

    /** The share of visits (0–1) sent a message where no unit above says otherwise; 0 (the default) sends none. */
    public double getShare() {
        return share;
    }

    public void setShare(double share) {
        checkShare("share", share);
        this.share = share;
    }

    /** {@code unit-id=0.25,other-unit=0.5}: a unit's own share, which also holds for the units below it. */
    @Nullable
    public String getUnitShares() {
        return unitSharesText;
    }

    public void setUnitShares(@Nullable String text) {
        Map<String, Long> parsed = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            for (String pair : text.split(",")) {
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new ConfigurationException("vointi.feedback.post-visit.unit-shares: expected unit-id=0.25, not '" + pair + "'");
                }
                double value;
                try {
                    value = Double.parseDouble(pair.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    throw new ConfigurationException("vointi.feedback.post-visit.unit-shares: '" + pair + "' has no number 0–1");
                }
                checkShare("unit-shares", value);
                parsed.put(pair.substring(0, eq).trim(), PostVisitSampling.partsPerMillion(value));
            }
        }
        this.unitSharesText = text;
        this.unitShares = Map.copyOf(parsed);
    }

    /** The configured shares by unit id, in parts per million. */
    public Map<String, Long> unitSharesPpm() {
        return unitShares;
    }

    public long sharePpm() {
        return PostVisitSampling.partsPerMillion(share);
    }

    /** At most one post-visit SMS per person within this period. */
    public Duration getPeriod() {
        return period;
    }

    public void setPeriod(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new ConfigurationException("vointi.feedback.post-visit.period must be positive, not " + period);
        }
        this.period = period;
    }

    /** A visit that ended longer ago than this is counted but sent nothing: feedback about it would come too late. */
    public Duration getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new ConfigurationException("vointi.feedback.post-visit.max-age must be positive, not " + maxAge);
        }
        this.maxAge = maxAge;
    }

    /** Lifetime of the feedback link in the SMS. */
    public Duration getLinkLifetime() {
        return linkLifetime;
    }

    public void setLinkLifetime(Duration linkLifetime) {
        if (linkLifetime.isNegative() || linkLifetime.isZero() || linkLifetime.compareTo(FeedbackConfiguration.MAX_TOKEN_LIFETIME) > 0) {
            throw new ConfigurationException("vointi.feedback.post-visit.link-lifetime must be positive and at most 90 days, not " + linkLifetime);
        }
        this.linkLifetime = linkLifetime;
    }

    private static void checkShare(String key, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new ConfigurationException("vointi.feedback.post-visit." + key + " must be between 0 and 1, not " + value);
        }
    }
}
