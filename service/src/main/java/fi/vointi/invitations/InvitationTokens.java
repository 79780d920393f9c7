package fi.vointi.invitations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret in an invitation link. Only its SHA-256 is stored, so a copy of the database does not let anyone
 * answer in a patient's name; the token itself is shown once, in the answer to the invitation.
 */
final class InvitationTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 random bytes in base64url without padding are 43 characters. */
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");

    private InvitationTokens() {
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256Hex(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Whether a path segment can be a token at all; anything else is unknown without a database lookup. */
    static boolean wellFormed(String token) {
        return token != null && FORMAT.matcher(token).matches();
    }
}
