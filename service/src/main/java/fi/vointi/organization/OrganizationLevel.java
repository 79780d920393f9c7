package fi.vointi.organization;

import java.util.Arrays;
import java.util.Optional;

/**
 * The level of an Organization in the county's hierarchy (code system
 * {@value #SYSTEM}): county → service area → service → unit. Each level's parent is exactly the level above;
 * a county has no parent.
 */
public enum OrganizationLevel {
    COUNTY("county"),
    AREA("area"),
    SERVICE("service"),
    UNIT("unit");

    public static final String SYSTEM = "https://vointi.fi/fhir/CodeSystem/organization-level";

    private final String code;

    OrganizationLevel(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The level a parent must have, or empty for the root (county). */
    public Optional<OrganizationLevel> parentLevel() {
        return ordinal() == 0 ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
    }

    /** The level children must have, or empty for a unit (the leaves). */
    public Optional<OrganizationLevel> childLevel() {
        return ordinal() == values().length - 1 ? Optional.empty() : Optional.of(values()[ordinal() + 1]);
    }

    public static Optional<OrganizationLevel> fromCode(String code) {
        return Arrays.stream(values()).filter(l -> l.code.equals(code)).findFirst();
    }
}
