package fi.vointi.messaging;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The opt-out link of every e-mail, {@code {public base}/o/{code}}: a fresh random code (128 bits, as the invitation
 * links) per e-mail, stored only as its SHA-256 next to the HMAC key of the address (table
 * {@code message_opt_out_link}), never the address. A stored row rather than a code derived with an HMAC: a derived
 * code would have to carry the address key (or the outbox id) in the URL to be checked, and could not be given an
 * expiry or be forgotten on its own; a row per e-mail is small and is deleted when the link expires
 * ({@link #LIFETIME}).
 */
@Singleton
public class OptOutLinks {
    /** How long a link opts out: long after the invitation it came with has expired, people still find the mail. */
    public static final Duration LIFETIME = Duration.ofDays(90);
    private final JdbcOperations jdbc;

    OptOutLinks(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** An opt-out link that still works: whose address to opt out, and the language of the e-mail it came in. */
    public record Link(String recipientKey, String language) {
    }

    /** Stores a new code for the address key, in the caller's transaction (the message's); returns the link. */
    public String create(String publicBase, String recipientKey, String language, Instant now) {
        String code = InvitationLinks.newCode();
        jdbc.prepareStatement("INSERT INTO message_opt_out_link (code_hash, recipient_key, language, expires_at)"
                + " VALUES (?, ?, ?, ?)", s -> {
            s.setString(1, hash(code));
            s.setString(2, recipientKey);
            s.setString(3, language);
            s.setObject(4, OutboxStore.at(now.plus(LIFETIME)));
            return s.executeUpdate();
        });
        return link(publicBase, code);
    }

    public static String link(String publicBase, String code) {
        return publicBase + "/o/" + code;
    }

    /** The link behind a code, unless unknown, malformed or expired. */
    @Transactional(readOnly = true)
    public Optional<Link> find(String code, Instant now) {
        if (!InvitationLinks.wellFormed(code)) {
            return Optional.empty();
        }
        return jdbc.prepareStatement("SELECT recipient_key, language FROM message_opt_out_link WHERE code_hash = ?"
                + " AND expires_at > ?", s -> {
            s.setString(1, hash(code));
            s.setObject(2, OutboxStore.at(now));
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Link(rs.getString(1), rs.getString(2))) : Optional.<Link>empty();
            }
        });
    }

    /** Forgets expired links; returns how many. */
    @Transactional
    public int expire(Instant now) {
        return jdbc.prepareStatement("DELETE FROM message_opt_out_link WHERE expires_at <= ?", s -> {
            s.setObject(1, OutboxStore.at(now));
            return s.executeUpdate();
        });
    }

    static String hash(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("vointi-opt-out-link:" + code).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
