package fi.vointi.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The short form of an invitation link, for SMS and e-mail: {@code {public base}/i/{code}}, the code 128 random bits
 * (22 characters). The invitation's own 43-character token is derived from the code (SHA-256), so nothing new is
 * stored: the invitation keeps only the hash of its token, as before, and {@code /i/{code}} sends the browser on to
 * {@code /invitation/{token}}. With a public base of up to 35 characters the link stays within 60.
 */
public final class InvitationLinks {
    public static final int MAX_LENGTH = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{22}");

    private InvitationLinks() {
    }

    public static String newCode() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static boolean wellFormed(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    /** The invitation token (43 base64url characters, the format of fi.vointi.invitations) behind a code. */
    public static String token(String code) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("vointi-invitation-link:" + code).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static String link(String publicBase, String code) {
        return publicBase + "/i/" + code;
    }
}
