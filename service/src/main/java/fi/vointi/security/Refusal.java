package fi.vointi.security;

/** Why a caller may not do something, and how the API should say it. */
public record Refusal(Kind kind, String message) {

    public enum Kind {
        /** No valid credentials: 401. */
        UNAUTHENTICATED,
        /** Known caller, not allowed: 403. */
        FORBIDDEN,
        /** Not allowed, and even the existence of the thing must not leak: 404. */
        HIDDEN
    }

    public static Refusal unauthenticated() {
        return new Refusal(Kind.UNAUTHENTICATED, "Authentication required: send a bearer token");
    }

    public static Refusal forbidden(String message) {
        return new Refusal(Kind.FORBIDDEN, message);
    }

    public static Refusal hidden(String message) {
        return new Refusal(Kind.HIDDEN, message);
    }
}
