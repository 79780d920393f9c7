package fi.vointi.signin;

import java.util.regex.Pattern;

/**
 * Where a person may be sent back to after signing in: only a local absolute path of this service (open-redirect
 * safe). No scheme, no host ({@code //evil.example}), no backslash (browsers read {@code /\evil} as {@code //evil}),
 * no control characters or spaces; the characters of a path and query only.
 */
public final class ReturnPaths {
    public static final String DEFAULT = "/app";
    private static final int MAX_LENGTH = 1024;
    private static final Pattern ALLOWED = Pattern.compile("/[A-Za-z0-9\\-._~!$&'()*+,;=:@/?%]*");

    private ReturnPaths() {
    }

    /** {@code candidate} when it is a safe local path, otherwise {@link #DEFAULT}. */
    public static String safe(String candidate) {
        return isSafe(candidate) ? candidate : DEFAULT;
    }

    public static boolean isSafe(String candidate) {
        return candidate != null && !candidate.isEmpty() && candidate.length() <= MAX_LENGTH
                && candidate.startsWith("/") && !candidate.startsWith("//") && !candidate.startsWith("/%2f")
                && !candidate.startsWith("/%2F") && !candidate.startsWith("/%5c") && !candidate.startsWith("/%5C")
                && ALLOWED.matcher(candidate).matches();
    }
}
