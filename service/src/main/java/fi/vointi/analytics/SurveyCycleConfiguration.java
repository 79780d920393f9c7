package fi.vointi.analytics;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.util.List;

/**
 * {@code vointi.analytics.cycles.<survey>.*}: one recurring survey (docs/analytics.md, "Recurring surveys"). Checked
 * into a {@link SurveyCycle} by {@link SurveyCycles} at start-up.
 */
@EachProperty("vointi.analytics.cycles")
public class SurveyCycleConfiguration {
    private final String name;
    private String audience;
    private List<String> units = List.of();
    private String cycle;
    private String window;
    private String firstStart;

    public SurveyCycleConfiguration(@Parameter String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public String getAudience() {
        return audience;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    public List<String> getUnits() {
        return units;
    }

    public void setUnits(List<String> units) {
        this.units = units == null ? List.of() : units;
    }

    public String getCycle() {
        return cycle;
    }

    public void setCycle(String cycle) {
        this.cycle = cycle;
    }

    public String getWindow() {
        return window;
    }

    public void setWindow(String window) {
        this.window = window;
    }

    public String getFirstStart() {
        return firstStart;
    }

    public void setFirstStart(String firstStart) {
        this.firstStart = firstStart;
    }
}
