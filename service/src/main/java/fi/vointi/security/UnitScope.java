package fi.vointi.security;

import java.util.Set;

/**
 * Widens the units named in a token's {@code units} claim to everything under them in the organisation
 * hierarchy, so that a manager of a service area covers every unit of the area. Implemented by
 * {@code fi.vointi.organization.UnitTree}; without an implementation the claim is taken as it is.
 */
public interface UnitScope {
    /** The given unit ids plus the ids of all their descendants; unknown ids are kept as they are. */
    Set<String> expand(Set<String> unitIds);
}
