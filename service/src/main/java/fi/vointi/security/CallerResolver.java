package fi.vointi.security;

import fi.vointi.fhir.FhirException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the {@link Caller} from the request's validated token, and turns policy refusals into HTTP answers.
 * Claim names (our contract with the county's identity provider): {@code sub}, {@code roles},
 * {@code patient}, {@code guardian_of}, {@code units}, {@code scope}, {@code azp}/{@code client_id}.
 * The {@code units} claim is widened to the units' subtrees by the {@link UnitScope} bean when there is one.
 */
@Singleton
public class CallerResolver {
    public static final String CALLER_ATTRIBUTE = "vointi.caller";
    @Nullable
    private final UnitScope unitScope;

    public CallerResolver(@Nullable UnitScope unitScope) {
        this.unitScope = unitScope;
    }

    public Caller resolve(HttpRequest<?> request) {
        Optional<Object> cached = request.getAttribute(CALLER_ATTRIBUTE);
        if (cached.isPresent() && cached.get() instanceof Caller c) {
            return c;
        }
        Caller caller = request.getUserPrincipal(Authentication.class).map(CallerResolver::fromAuthentication)
                .orElse(Caller.ANONYMOUS);
        if (unitScope != null && !caller.units().isEmpty()) {
            // A unit named in the claim covers its whole subtree (an area manager sees the area's units).
            caller = caller.withUnits(unitScope.expand(caller.units()));
        }
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        return caller;
    }

    static Caller fromAuthentication(Authentication authentication) {
        Map<String, Object> claims = authentication.getAttributes();
        Set<SmartScope> scopes = Arrays.stream(text(claims.get("scope")).split(" "))
                .filter(s -> !s.isBlank()).map(SmartScope::parse).flatMap(Optional::stream).collect(Collectors.toSet());
        String client = text(claims.getOrDefault("azp", claims.get("client_id")));
        String patient = text(claims.get("patient"));
        return new Caller(authentication.getName(), client.isEmpty() ? null : client,
                Caller.roles(authentication.getRoles()), patient.isEmpty() ? null : patient,
                Set.copyOf(list(claims.get("guardian_of"))), Set.copyOf(list(claims.get("units"))), scopes,
                birthDate(claims.get("birthdate")));
    }

    /** The OpenID Connect {@code birthdate} claim (YYYY-MM-DD); anything else counts as not asserted. */
    static java.time.LocalDate birthDate(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.LocalDate.parse(value.toString());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Throws the HTTP answer for a refusal: 401, 403 or 404 with an OperationOutcome. */
    public static void enforce(Optional<Refusal> refusal) {
        refusal.ifPresent(r -> {
            throw switch (r.kind()) {
                case UNAUTHENTICATED -> new FhirException(HttpStatus.UNAUTHORIZED, IssueType.LOGIN, r.message());
                case FORBIDDEN -> new FhirException(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, r.message());
                case HIDDEN -> new FhirException(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, r.message());
            };
        });
    }

    /**
     * Like {@link #enforce(Optional)}, but a hidden refusal answers exactly like an unknown resource
     * ({@code unknownMessage}), so that the caller cannot tell the two apart.
     */
    public static void enforce(Optional<Refusal> refusal, String unknownMessage) {
        enforce(refusal.map(r -> r.kind() == Refusal.Kind.HIDDEN ? Refusal.hidden(unknownMessage) : r));
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static List<String> list(Object value) {
        if (value instanceof Collection<?> c) {
            return c.stream().map(Object::toString).toList();
        }
        if (value instanceof String s && !s.isBlank()) {
            return Arrays.stream(s.split("[ ,]")).filter(x -> !x.isBlank()).toList();
        }
        return List.of();
    }
}
