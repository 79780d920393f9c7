package fi.vointi.feedback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret in a short SMS / e-mail feedback link: 128 random bits in base64url without padding (22 characters),
 * so that the whole link fits comfortably in one SMS. Only its SHA-256 is stored: with that many random bits no
 * salt or slow hash is needed, and a copy of the database opens no link.
 */
final class LinkTokens {
    static final int RANDOM_BYTES = 16;
    static final int LENGTH = 22;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{" + LENGTH + "}");

    private LinkTokens() {
    }

    static String newToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Whether a string can be a token at all; anything else is unknown without a database lookup. */
    static boolean wellFormed(String token) {
        return token != null && FORMAT.matcher(token).matches();
    }
}
