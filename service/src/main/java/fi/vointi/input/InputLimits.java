package fi.vointi.input;

import io.micronaut.core.annotation.Nullable;

/**
 * The limits every request must keep, checked before anything is parsed or stored (README, "Input limits"). They are
 * a public contract: a client that keeps them is never refused for their sake, and a request that breaks one is
 * answered 4xx quickly, without the CPU and memory a full parse would take.
 *
 * <p>Why these numbers:
 * <ul>
 *   <li>numbers: FHIR decimals carry at most 18 significant digits in practice (XML Schema's minimum), clinical
 *       quantities lie far inside ±1e±20, and a 32-bit FHIR integer has 10 digits. {@value #MAX_NUMBER_DIGITS} digits
 *       and an exponent of at most ±{@value #MAX_EXPONENT} leave ample room, while a number's plain form is then at
 *       most ~140 characters, so no BigDecimal work downstream can grow with the input (issue 13: {@code 1e1000000}
 *       took 43 s of CPU, {@code 1e999999999} ran out of memory);</li>
 *   <li>strings: the longest text a questionnaire accepts is an open answer of 2,000 characters; 64 Ki characters is
 *       32 times that and still a small part of the 1 MiB body limit;</li>
 *   <li>arrays and objects: {@value #MAX_ENTRIES} entries is more than any real document of at most 1 MiB holds (a
 *       feedback import Bundle of 1 MiB carries a few thousand responses at most), while one array of a million tiny
 *       elements, which would cost the parsers far more than its bytes, is refused;</li>
 *   <li>depth: {@value #MAX_DEPTH} levels of nested arrays and objects; a QuestionnaireResponse adds 2–4 levels per
 *       nested group or answer, so a form 20 groups deep fits, and no parser recursion comes near the stack limit.</li>
 * </ul>
 */
public final class InputLimits {
    /** Digits in a number's significand (integer and fraction digits together, leading zeros included). */
    public static final int MAX_NUMBER_DIGITS = 40;
    /** Largest magnitude of a number's exponent ({@code 1e100} and {@code 1e-100} are the extremes). */
    public static final int MAX_EXPONENT = 100;
    /** Characters in one JSON string value. */
    public static final int MAX_STRING_LENGTH = 65_536;
    /** Characters in one JSON object key. */
    public static final int MAX_NAME_LENGTH = 1_000;
    /** Elements of one array or members of one object. */
    public static final int MAX_ENTRIES = 10_000;
    /** Nesting depth of arrays and objects. */
    public static final int MAX_DEPTH = 100;
    /** Characters of a request's path (the audit trail keeps 1,024). */
    public static final int MAX_PATH_LENGTH = 1_024;
    /** Characters of one JSON number token: the digits, a sign, a point and a (zero-padded) exponent. */
    static final int MAX_NUMBER_TOKEN = 200;

    private InputLimits() {
    }

    /**
     * Why a number's text breaks the limits, or null when it keeps them. Accepts JSON numbers and the looser forms of
     * {@code new BigDecimal(String)} ({@code +1}, {@code .5}, {@code 1E+5}); anything else is left to the number's parser.
     */
    @Nullable
    public static String numberProblem(CharSequence text) {
        int length = text.length();
        if (length > MAX_NUMBER_TOKEN) {
            return "a number of " + length + " characters (at most " + MAX_NUMBER_DIGITS + " digits and an exponent of at most "
                    + MAX_EXPONENT + " are accepted)";
        }
        int i = 0;
        if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            i++;
        }
        int digits = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c != '.') {
                break;
            }
        }
        if (digits > MAX_NUMBER_DIGITS) {
            return "a number with " + digits + " digits (at most " + MAX_NUMBER_DIGITS + ")";
        }
        if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
                i++;
            }
            while (i < length && text.charAt(i) == '0') {
                i++;
            }
            int start = i;
            while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            // at most 3 significant exponent digits can still be <= 100
            if (i - start > 3 || (i > start && Integer.parseInt(text.subSequence(start, i).toString()) > MAX_EXPONENT)) {
                return "a number with the exponent " + text.subSequence(start, Math.min(i, start + 12))
                        + (i - start > 12 ? "…" : "") + " (at most " + MAX_EXPONENT + " in magnitude)";
            }
        }
        return null;
    }
}
