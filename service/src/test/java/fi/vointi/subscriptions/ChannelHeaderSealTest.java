package fi.vointi.subscriptions;

import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channel headers at rest: AES-GCM under the configured key, bound to their subscription, refused when missing in production. */
class ChannelHeaderSealTest {
    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String OTHER_KEY = Base64.getEncoder().encodeToString("another-32-byte-key-for-the-test".getBytes());
    static final String HEADERS = "Authorization: Bearer ehr-inbox-secret\nX-Inbox: 7";

    @Test
    void sealedHeadersHoldNoPlaintextAndOpenOnlyForTheirSubscription() {
        ChannelHeaderSeal seal = new ChannelHeaderSeal(KEY, List.of());
        String sealed = seal.seal("sub-1", HEADERS);
        assertTrue(sealed.startsWith("v1:"), sealed);
        assertFalse(sealed.contains("ehr-inbox-secret") || sealed.contains("Authorization"), sealed);
        assertNotEquals(sealed, seal.seal("sub-1", HEADERS), "a fresh nonce every time");
        assertEquals(HEADERS, seal.open("sub-1", sealed));
        assertThrows(IllegalStateException.class, () -> seal.open("sub-2", sealed), "copied to another subscription");
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThrows(IllegalStateException.class, () -> seal.open("sub-1", tampered));
        assertEquals("X: plain", seal.open("sub-1", "X: plain"), "a row written before V30 reads until it is sealed");
    }

    @Test
    void aPreviousKeyStillOpensAfterARotation() {
        String sealed = new ChannelHeaderSeal(OTHER_KEY, List.of()).seal("sub-1", HEADERS);
        assertEquals(HEADERS, new ChannelHeaderSeal(KEY, List.of(OTHER_KEY)).open("sub-1", sealed));
        assertThrows(IllegalStateException.class, () -> new ChannelHeaderSeal(KEY, List.of()).open("sub-1", sealed));
    }

    @Test
    void productionRefusesToStartWithoutAKeyOrWithTheDevelopmentKey() {
        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> ChannelHeaderSeal.checkedKey(null, Set.of("postgres"), false));
        assertTrue(missing.getMessage().contains("VOINTI_SUBSCRIPTIONS_HEADER_KEY"), missing.getMessage());
        assertThrows(ConfigurationException.class,
                () -> ChannelHeaderSeal.checkedKey(ChannelHeaderSeal.DEV_KEY, Set.of("postgres"), false));
        assertEquals(ChannelHeaderSeal.DEV_KEY, ChannelHeaderSeal.checkedKey("", Set.of(Environment.TEST), false));
        assertEquals(KEY, ChannelHeaderSeal.checkedKey(KEY, Set.of("postgres"), false));
        assertThrows(ConfigurationException.class, () -> new ChannelHeaderSeal("c2hvcnQ=", List.of()), "not 32 bytes");
    }
}
