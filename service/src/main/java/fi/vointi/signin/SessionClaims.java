package fi.vointi.signin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The claims a page session keeps: exactly those of our contract with the identity provider that decide access
 * (README, "Claims and roles": {@code roles}, {@code patient}, {@code guardian_of}, {@code units}, {@code birthdate}) and the display
 * {@code name} for the page header, and the patient of a SMART EHR launch ({@code launch_patient}, from the token
 * response, never from the ID token). Nothing else is kept.
 */
public final class SessionClaims {
    public static final List<String> KEPT = List.of("roles", "patient", "guardian_of", "units", "name", "birthdate",
            fi.vointi.signin.smart.SmartLaunch.PATIENT_CLAIM);
    /** Request attribute holding the display name when the request is signed in with a page session. */
    public static final String SIGNED_IN_ATTRIBUTE = fi.vointi.web.Page.SIGNED_IN_ATTRIBUTE;

    private SessionClaims() {
    }

    public static Map<String, Object> kept(Map<String, Object> claims) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String name : KEPT) {
            Object value = claims.get(name);
            if (value != null) {
                kept.put(name, value instanceof Collection<?> c ? c.stream().map(Object::toString).toList() : value.toString());
            }
        }
        return kept;
    }

    /** The Authentication a session stands for: the same name, roles and attributes a bearer token with these claims gives. */
    public static Authentication authentication(String subject, Map<String, Object> claims) {
        Map<String, Object> attributes = new LinkedHashMap<>(claims);
        attributes.put("sub", subject);
        return Authentication.build(subject, roles(claims.get("roles")), attributes);
    }

    /** What the header shows: the {@code name} claim, or the subject. */
    public static String displayName(String subject, Map<String, Object> claims) {
        Object name = claims.get("name");
        return name == null || name.toString().isBlank() ? subject : name.toString();
    }

    private static List<String> roles(@Nullable Object value) {
        if (value instanceof Collection<?> c) {
            return c.stream().map(Object::toString).toList();
        }
        if (value instanceof String s && !s.isBlank()) {
            return List.of(s.split("[ ,]+"));
        }
        return List.of();
    }
}
