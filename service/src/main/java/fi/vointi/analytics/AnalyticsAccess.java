package fi.vointi.analytics;

import fi.vointi.security.Caller;
import fi.vointi.security.Refusal;
import fi.vointi.security.Role;

import java.util.Optional;
import java.util.Set;

/**
 * Who may read feedback analytics (aggregates and open-text comments of large enough groups):
 * admins everything; unit managers their own units and everything under them; backend clients
 * (data warehouse) with the SMART scope {@code system/MeasureReport.rs} everything. Importing visit
 * counts: admins only. Pure logic.
 */
public final class AnalyticsAccess {
    public static final String SCOPE_TYPE = "MeasureReport";

    private AnalyticsAccess() {
    }

    /** Refusal of reading analytics at all, before the unit is looked at. */
    public static Optional<Refusal> readAny(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (caller.has(Role.ADMIN) || caller.has(Role.UNIT_MANAGER) && !caller.units().isEmpty()
                || caller.systemMay(SCOPE_TYPE, 'r') || caller.systemMay(SCOPE_TYPE, 's')) {
            return Optional.empty();
        }
        return Optional.of(Refusal.forbidden("Your role does not allow reading feedback analytics: an administrator,"
                + " a unit manager (for their own units) or a backend client with scope system/MeasureReport.rs may"));
    }

    /**
     * Refusal of reading analytics of one unit (and its subtree).
     *
     * @param ancestorsOfUnit the unit itself and every unit above it
     */
    public static Optional<Refusal> readUnit(Caller caller, Set<String> ancestorsOfUnit) {
        Optional<Refusal> any = readAny(caller);
        if (any.isPresent() || caller.has(Role.ADMIN) || caller.systemMay(SCOPE_TYPE, 'r') || caller.systemMay(SCOPE_TYPE, 's')) {
            return any;
        }
        boolean own = caller.units().stream().map(u -> u.startsWith("Organization/") ? u.substring(13) : u)
                .anyMatch(ancestorsOfUnit::contains);
        return own ? Optional.empty()
                : Optional.of(Refusal.forbidden("You may read feedback analytics only of your own units and the units under them"));
    }

    /** Importing visit counts: admins only. */
    public static Optional<Refusal> importVisits(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may import visit counts"));
    }
}
