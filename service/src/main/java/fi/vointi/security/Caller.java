package fi.vointi.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is calling, as the identity provider asserted it in the token.
 *
 * @param id         the token subject ({@code sub}); null for an anonymous caller
 * @param clientId   the OAuth2 client the token was issued to ({@code azp} or {@code client_id})
 * @param patientId  the caller's own Patient id ({@code patient} claim), for the patient role
 * @param guardianOf Patient ids of the children the caller may act for ({@code guardian_of} claim)
 * @param units      Organization ids of the caller's service units ({@code units} claim), widened by
 *                   {@link CallerResolver} to every unit under them
 * @param birthDate  the person's birth date ({@code birthdate} claim, OpenID Connect standard) when the identity
 *                   provider asserts it; decides whether a young person's self-report is closed to guardians
 */
public record Caller(String id, String clientId, Set<Role> roles, String patientId, Set<String> guardianOf,
                     Set<String> units, Set<SmartScope> scopes, java.time.LocalDate birthDate) {

    public static final Caller ANONYMOUS = new Caller(null, null, Set.of(), null, Set.of(), Set.of(), Set.of());

    /** A caller whose birth date is not known. */
    public Caller(String id, String clientId, Set<Role> roles, String patientId, Set<String> guardianOf,
                  Set<String> units, Set<SmartScope> scopes) {
        this(id, clientId, roles, patientId, guardianOf, units, scopes, null);
    }

    public Caller {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        guardianOf = Set.copyOf(guardianOf);
        units = Set.copyOf(units);
        scopes = Set.copyOf(scopes);
    }

    public boolean isAnonymous() {
        return id == null;
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** A backend client whose scopes let it do {@code operation} (c, r, u, d, s) on {@code type}. */
    public boolean systemMay(String type, char operation) {
        return has(Role.SYSTEM) && scopes.stream().anyMatch(s -> s.permits(type, operation));
    }

    /** The Patient ids this caller may act for: their own and their children's. */
    public Set<String> actsFor() {
        Set<String> ids = new java.util.HashSet<>();
        if (has(Role.PATIENT) && patientId != null) {
            ids.add(patientId);
        }
        if (has(Role.GUARDIAN)) {
            ids.addAll(guardianOf);
        }
        return ids;
    }

    /** The same caller covering {@code units} (the claim widened to the hierarchy, see {@link UnitScope}). */
    public Caller withUnits(Set<String> units) {
        return new Caller(id, clientId, roles, patientId, guardianOf, units, scopes, birthDate);
    }

    /** Service-unit references ({@code Organization/x}) of the caller's units. */
    public Set<String> unitRefs() {
        return units.stream().map(u -> u.startsWith("Organization/") ? u : "Organization/" + u).collect(Collectors.toSet());
    }

    public String rolesText() {
        return roles.stream().map(Role::code).sorted().collect(Collectors.joining(" "));
    }

    public static Set<Role> roles(Collection<String> codes) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        codes.forEach(c -> Role.fromCode(c).ifPresent(roles::add));
        return roles;
    }
}
