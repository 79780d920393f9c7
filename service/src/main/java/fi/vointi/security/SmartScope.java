package fi.vointi.security;

import java.util.Locale;
import java.util.Optional;

/**
 * One SMART on FHIR scope such as {@code system/QuestionnaireResponse.rs} (v2: c, r, u, d, s) or its v1 form
 * {@code system/QuestionnaireResponse.read}. Only {@code system/} scopes grant anything here: user and
 * patient access is decided by role and identity, not by scope.
 */
public record SmartScope(String context, String resourceType, String permissions) {

    public static Optional<SmartScope> parse(String scope) {
        int slash = scope.indexOf('/');
        int dot = scope.lastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == scope.length() - 1) {
            return Optional.empty();
        }
        String context = scope.substring(0, slash);
        String type = scope.substring(slash + 1, dot);
        String access = scope.substring(dot + 1);
        int query = access.indexOf('?');
        if (query >= 0) {
            access = access.substring(0, query); // v2 finer-grained constraints are not supported: no grant
            return Optional.empty();
        }
        String permissions = switch (access) {
            case "read" -> "rs";
            case "write" -> "cud";
            case "*" -> "cruds";
            default -> access.matches("c?r?u?d?s?") ? access : null;
        };
        if (permissions == null || permissions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SmartScope(context.toLowerCase(Locale.ROOT), type, permissions));
    }

    /** Whether this scope lets a backend client do {@code operation} (one of c, r, u, d, s) on {@code type}. */
    public boolean permits(String type, char operation) {
        return "system".equals(context) && ("*".equals(resourceType) || resourceType.equals(type))
                && permissions.indexOf(operation) >= 0;
    }
}
