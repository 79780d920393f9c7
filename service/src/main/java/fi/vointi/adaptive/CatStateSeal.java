package fi.vointi.adaptive;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import fi.vointi.security.SecretKeySetting;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The server's protection of an adaptive test's state: the randomesque seed is drawn here (SecureRandom) when a test
 * starts, and an HMAC-SHA256 over the bank's url|version, the seed and the items asked (in order) travels with it, so
 * that a client can neither choose nor alter its seed or its path, while any instance with the key can continue the
 * test (no session state on the server).
 *
 * <p>Key: {@code vointi.adaptive.state-key} (at least 32 characters, e.g. {@code openssl rand -base64 32}); new seals
 * always use it. Rotation: move the old key to {@code vointi.adaptive.previous-state-keys} (comma separated), which are
 * accepted for verification only, for as long as tests started under them may still be continued or stored. Without a
 * key, dev mode and tests use a fixed development key; anything else refuses to start, and so does a production start
 * with the development key.
 */
@Context
public class CatStateSeal {
    /** The development key: public, so any seal made with it is worthless outside dev mode and tests. */
    static final String DEV_KEY = "vointi-dev-only-adaptive-state-key-not-secret";
    static final int MIN_KEY_LENGTH = 32;
    private static final SecretKeySetting KEY_SETTING = new SecretKeySetting("vointi.adaptive.state-key",
            "VOINTI_ADAPTIVE_STATE_KEY", "it protects adaptive tests' seeds and item sequences (docs/adaptive.md)", DEV_KEY);
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN = "vointi-cat-state-v1".getBytes(StandardCharsets.UTF_8);

    /** Marks the optional previous-theta field in the sealed message. */
    private static final byte PREVIOUS_THETA = 'p';

    private final SecretKeySpec current;
    private final List<SecretKeySpec> accepted;
    private final ThreadLocal<Mac> currentMac;
    private final SecureRandom random = new SecureRandom();

    public CatStateSeal(@Nullable @Value("${vointi.adaptive.state-key:}") String key,
                        @Nullable @Value("${vointi.adaptive.previous-state-keys:}") List<String> previousKeys,
                        Environment environment,
                        @Value("${vointi.security.dev-issuer.enabled:false}") boolean devMode) {
        this(checkedKey(key, environment.getActiveNames(), devMode), previousKeys == null ? List.of() : previousKeys);
    }

    /** For tests and tools: a seal with these keys, unchecked for the environment. */
    CatStateSeal(String key, List<String> previousKeys) {
        this.current = spec(key);
        List<SecretKeySpec> all = new ArrayList<>();
        all.add(current);
        for (String previous : previousKeys) {
            if (previous != null && !previous.isBlank()) {
                all.add(spec(previous.trim()));
            }
        }
        this.accepted = List.copyOf(all);
        this.currentMac = ThreadLocal.withInitial(() -> mac(current));
    }

    /**
     * The key to use: the configured one, or the development key in dev mode and tests; refuses a missing, short or
     * development key anywhere else.
     */
    static String checkedKey(@Nullable String key, Set<String> environments, boolean devMode) {
        String checked = KEY_SETTING.checked(key, environments, devMode);
        if (checked.length() < MIN_KEY_LENGTH) {
            throw new ConfigurationException("vointi.adaptive.state-key must have at least " + MIN_KEY_LENGTH
                    + " characters (openssl rand -base64 32)");
        }
        return checked;
    }

    /** A fresh seed for a new test. */
    public long newSeed() {
        return random.nextLong();
    }

    /** The seal (base64) of a test's state with the current key. */
    public String seal(String bankCanonical, long seed, List<String> asked) {
        return seal(bankCanonical, seed, asked, OptionalDouble.empty());
    }

    /** The seal of a state that also carries the person's previous theta (the prior mean of previousScorePrior). */
    public String seal(String bankCanonical, long seed, List<String> asked, OptionalDouble previousTheta) {
        return Base64.getEncoder().encodeToString(currentMac.get().doFinal(message(bankCanonical, seed, asked, previousTheta)));
    }

    /** Whether {@code seal} was made by this server (current or a previous key) for exactly this state. */
    public boolean verify(String bankCanonical, long seed, List<String> asked, @Nullable String seal) {
        return verify(bankCanonical, seed, asked, OptionalDouble.empty(), seal);
    }

    /** {@link #verify(String, long, List, String)} for a state that may carry a previous theta. */
    public boolean verify(String bankCanonical, long seed, List<String> asked, OptionalDouble previousTheta,
                          @Nullable String seal) {
        if (seal == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(seal);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] message = message(bankCanonical, seed, asked, previousTheta);
        if (MessageDigest.isEqual(currentMac.get().doFinal(message), given)) {
            return true;
        }
        for (int i = 1; i < accepted.size(); i++) {
            if (MessageDigest.isEqual(mac(accepted.get(i)).doFinal(message), given)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Length-prefixed fields, so that no two different states give the same bytes. A previous theta is appended after
     * the items (a marker byte and the double's bits); without one the message is exactly what it was before the field
     * existed, so seals made then still verify.
     */
    static byte[] message(String bankCanonical, long seed, List<String> asked, OptionalDouble previousTheta) {
        List<byte[]> parts = new ArrayList<>(asked.size() + 1);
        byte[] bank = bankCanonical.getBytes(StandardCharsets.UTF_8);
        int size = DOMAIN.length + 4 + bank.length + 8 + 4;
        for (String linkId : asked) {
            byte[] bytes = linkId.getBytes(StandardCharsets.UTF_8);
            parts.add(bytes);
            size += 4 + bytes.length;
        }
        if (previousTheta.isPresent()) {
            size += 1 + 8;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(DOMAIN).putInt(bank.length).put(bank).putLong(seed).putInt(asked.size());
        for (byte[] part : parts) {
            buffer.putInt(part.length).put(part);
        }
        if (previousTheta.isPresent()) {
            buffer.put(PREVIOUS_THETA).putLong(Double.doubleToLongBits(previousTheta.getAsDouble()));
        }
        return buffer.array();
    }

    private static SecretKeySpec spec(String key) {
        return new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
