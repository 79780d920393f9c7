package fi.vointi.input;

import io.micronaut.core.annotation.Nullable;

/**
 * The one rule for text that comes from outside and may be stored or written to the audit trail. PostgreSQL refuses
 * the NUL character in text, and no other control character belongs in an id, a code or an answer either (FHIR R4
 * {@code string}: "SHOULD not contain Unicode character points below 32, except for tab, carriage return and line
 * feed"). Two kinds of text:
 * <ul>
 *   <li><b>free text</b> (answers, open comments, names): tab, CR and LF allowed; every other control character
 *       (U+0000–U+001F, U+007F–U+009F) and unpaired surrogate refused;</li>
 *   <li><b>tokens</b> (ids, references, identifiers, codes, search values, path segments): no control character at
 *       all, and at most the length of the column they are kept in.</li>
 * </ul>
 * Pure functions: each returns why the text is refused, or null; the caller decides the HTTP answer.
 */
public final class UntrustedText {
    private UntrustedText() {
    }

    /** Why {@code text} is not acceptable free text, or null. */
    @Nullable
    public static String freeTextProblem(@Nullable CharSequence text) {
        return problem(text, true);
    }

    /** Why {@code text} is not an acceptable token (no control character at all), or null. */
    @Nullable
    public static String tokenProblem(@Nullable CharSequence text) {
        return problem(text, false);
    }

    /** Why {@code text} is not an acceptable token of at most {@code maxLength} characters, or null. */
    @Nullable
    public static String tokenProblem(@Nullable CharSequence text, int maxLength) {
        if (text != null && text.length() > maxLength) {
            return "is " + text.length() + " characters long (at most " + maxLength + ")";
        }
        return problem(text, false);
    }

    private static String problem(@Nullable CharSequence text, boolean freeText) {
        if (text == null) {
            return null;
        }
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                if (freeText && (c == '\t' || c == '\n' || c == '\r')) {
                    continue;
                }
                return "contains the control character " + codePoint(c) + " at position " + (i + 1);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate " + codePoint(c) + " at position " + (i + 1);
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate " + codePoint(c) + " at position " + (i + 1);
            }
        }
        return null;
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }
}
