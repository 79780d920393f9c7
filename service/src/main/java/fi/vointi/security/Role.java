package fi.vointi.security;

import java.util.Arrays;
import java.util.Optional;

/** The roles a token may carry in its {@code roles} claim. */
public enum Role {
    PATIENT("patient"),
    GUARDIAN("guardian"),
    CLINICIAN("clinician"),
    UNIT_MANAGER("unit-manager"),
    ADMIN("admin"),
    /** EHR and data-warehouse clients (OAuth2 client credentials, SMART backend scopes). */
    SYSTEM("system");

    private final String code;

    Role(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<Role> fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }
}
