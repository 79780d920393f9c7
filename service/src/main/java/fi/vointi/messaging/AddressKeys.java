package fi.vointi.messaging;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The key under which the outbox counts messages to an address and remembers an opt-out, once the address itself has
 * been erased: HMAC-SHA256 with {@code vointi.messaging.address-key}. A plain hash would not do: there are few enough
 * phone numbers to hash them all and reverse it.
 */
@Singleton
public class AddressKeys {
    private static final Logger LOG = LoggerFactory.getLogger(AddressKeys.class);
    private static final String DEV_KEY = "vointi-dev-only-address-key";
    private final SecretKeySpec key;

    AddressKeys(MessagingConfiguration configuration) {
        String secret = configuration.getAddressKey();
        if (secret == null || secret.isBlank()) {
            LOG.warn("vointi.messaging.address-key is not set: opt-outs and caps are keyed with a development key");
            secret = DEV_KEY;
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Key of a normalised address (see {@link Addresses}). */
    public String ofAddress(String normalisedAddress) {
        return hmac("address:" + normalisedAddress);
    }

    /** Key of a patient: an opt-out of the person covers every channel and every later address. */
    public String ofPatient(String patientId) {
        return hmac("patient:" + patientId);
    }

    /**
     * Key of a person for "at most one post-visit feedback SMS per period" (fi.vointi.feedback.PostVisitFeedback): of the
     * patient's identifier ({@code identifier:system|value}) or number ({@code phone:+358…}); a key of its own kind, so
     * that it matches no opt-out or cap key.
     */
    public String ofVisitor(String identity) {
        return hmac("post-visit:" + identity);
    }

    /**
     * Key of a reported visit (fi.vointi.feedback.PostVisitFeedback): of the reporting client and the Encounter's
     * identifier or id, so that a repeated report counts once; nothing of the Encounter itself is stored.
     */
    public String ofVisit(String client, String encounter) {
        return hmac("visit:" + client.length() + ":" + client + "|" + encounter);
    }

    private String hmac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
