package fi.vointi.messaging;

/**
 * How many SMS segments a text takes (3GPP TS 23.038). A text made only of the GSM 7-bit default alphabet and its
 * extension table fits 160 characters in one segment (an extension character such as € counts twice); any other
 * character turns the whole text into UCS-2, 70 characters a segment. Concatenated texts lose room to the header:
 * 153 and 67 characters a segment.
 */
public final class Gsm7 {
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "\f^{}\\[~]|€";

    private Gsm7() {
    }

    /** Whether every character is in the GSM 7-bit alphabet (basic or extension table). */
    public static boolean isGsm7(String text) {
        return text.codePoints().allMatch(c -> BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0);
    }

    /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
    public static int units(String text) {
        if (!isGsm7(text)) {
            return text.length();
        }
        return text.codePoints().map(c -> EXTENSION.indexOf(c) >= 0 ? 2 : 1).sum();
    }

    /** Number of segments the text is sent in; 0 for an empty text. */
    public static int segments(String text) {
        int units = units(text);
        if (units == 0) {
            return 0;
        }
        boolean gsm = isGsm7(text);
        int single = gsm ? 160 : 70;
        int multi = gsm ? 153 : 67;
        return units <= single ? 1 : (units + multi - 1) / multi;
    }
}
