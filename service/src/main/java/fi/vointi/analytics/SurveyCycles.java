package fi.vointi.analytics;

import io.micronaut.context.annotation.Context;

import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The configured recurring surveys ({@code vointi.analytics.cycles.*}), checked at start-up: a bad setting stops the
 * service with a message naming the key, rather than giving wrong rounds later.
 */
@Context
public class SurveyCycles {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private final Map<String, SurveyCycle> cycles;

    SurveyCycles(List<SurveyCycleConfiguration> configurations) {
        Map<String, SurveyCycle> checked = new TreeMap<>();
        for (SurveyCycleConfiguration c : configurations) {
            checked.put(c.getName(), check(c));
        }
        this.cycles = new LinkedHashMap<>(checked);
    }

    static SurveyCycle check(SurveyCycleConfiguration c) {
        String key = "vointi.analytics.cycles." + c.getName() + ".";
        if (!NAME.matcher(c.getName()).matches()) {
            throw new IllegalStateException("vointi.analytics.cycles: the survey name '" + c.getName()
                    + "' must be lower-case letters, digits and '-' (at most 64)");
        }
        try {
            return SurveyCycle.of(c.getName(), required(key + "audience", c.getAudience()), Set.copyOf(c.getUnits()),
                    Period.parse(required(key + "cycle", c.getCycle())), Period.parse(required(key + "window", c.getWindow())),
                    LocalDate.parse(required(key + "first-start", c.getFirstStart())));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(key + "*: cycle and window are ISO-8601 periods (P2Y, P28D, P1M),"
                    + " first-start a date (2026-03-02): " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String required(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " is required");
        }
        return value.trim();
    }

    public Optional<SurveyCycle> get(String survey) {
        return Optional.ofNullable(cycles.get(survey));
    }

    /** Every configured cycle, by name. */
    public List<SurveyCycle> all() {
        return List.copyOf(cycles.values());
    }
}
