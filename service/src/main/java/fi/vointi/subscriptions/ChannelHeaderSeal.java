package fi.vointi.subscriptions;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import fi.vointi.security.SecretKeySetting;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Encryption at rest of a subscription's {@code channel.header} values (they may hold the EHR's own bearer secret):
 * AES-256-GCM (javax.crypto) under {@code vointi.subscriptions.header-key}, a random 96-bit nonce per value, and the
 * subscription id as associated data, so a sealed value copied to another subscription's row does not open.
 *
 * <p>Stored form: {@code v1:} + base64(nonce | ciphertext | tag). Key: 32 random bytes in base64
 * ({@code openssl rand -base64 32}); {@code previous-header-keys} are tried for opening only (rotation). Without a key,
 * dev mode and tests use a public development key; any other start is refused, and so is a production start with the
 * development key (like {@code vointi.adaptive.state-key}).
 */
@Context
public class ChannelHeaderSeal {
    static final String PREFIX = "v1:";
    /** The development key (base64 of 32 bytes): public, so anything sealed with it is readable by anyone. */
    static final String DEV_KEY = Base64.getEncoder().encodeToString(
            "vointi-dev-only-header-key-32byt".getBytes(StandardCharsets.US_ASCII));
    private static final SecretKeySetting KEY_SETTING = new SecretKeySetting("vointi.subscriptions.header-key",
            "VOINTI_SUBSCRIPTIONS_HEADER_KEY", "it encrypts the headers of subscription channels, which may hold an EHR's"
            + " credential (docs/subscriptions.md)", DEV_KEY);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec current;
    private final List<SecretKeySpec> accepted;
    private final SecureRandom random = new SecureRandom();

    @Inject
    ChannelHeaderSeal(@Nullable @Value("${vointi.subscriptions.header-key:}") String key,
                      @Nullable @Value("${vointi.subscriptions.previous-header-keys:}") List<String> previousKeys,
                      Environment environment, @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode) {
        this(checkedKey(key, environment.getActiveNames(), devMode), previousKeys == null ? List.of() : previousKeys);
    }

    /** For tests and tools: a seal with these keys (base64), unchecked for the environment. */
    ChannelHeaderSeal(String key, List<String> previousKeys) {
        this.current = spec(key, "vointi.subscriptions.header-key");
        List<SecretKeySpec> all = new ArrayList<>(List.of(current));
        for (String previous : previousKeys) {
            if (previous != null && !previous.isBlank()) {
                all.add(spec(previous.trim(), "vointi.subscriptions.previous-header-keys"));
            }
        }
        this.accepted = List.copyOf(all);
    }

    /** The configured key, or the development key in dev mode and tests; a missing or development key elsewhere stops the start. */
    static String checkedKey(@Nullable String key, Set<String> environments, boolean devMode) {
        return KEY_SETTING.checked(key, environments, devMode);
    }

    private static SecretKeySpec spec(String base64, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting + " must be base64 (openssl rand -base64 32)");
        }
        if (bytes.length != 32) {
            throw new ConfigurationException(setting + " must be 32 bytes in base64 (openssl rand -base64 32), not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** The sealed form of a subscription's headers ({@code Name: value} lines), bound to its id. */
    String seal(String subscriptionId, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java runtime", e);
        }
    }

    /** Whether a stored value is sealed (values written before V30 are plain text until start-up, SubscriptionStore). */
    static boolean isSealed(String stored) {
        return stored.startsWith(PREFIX);
    }

    /** Opens a sealed value with the current or a previous key; refuses a value that was altered or belongs to another id. */
    String open(String subscriptionId, String stored) {
        if (!isSealed(stored)) {
            return stored; // written before encryption at rest; sealed at the next start
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        for (SecretKeySpec key : accepted) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
                cipher.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
                return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
            } catch (AEADBadTagException e) {
                // another key, or not ours
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/GCM is part of every Java runtime", e);
            }
        }
        throw new IllegalStateException("The channel headers of Subscription/" + subscriptionId
                + " do not open with vointi.subscriptions.header-key or a previous key");
    }
}
