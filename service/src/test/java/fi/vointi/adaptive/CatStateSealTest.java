package fi.vointi.adaptive;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seal of an adaptive test's state: what it covers, key rotation, and the production key rules. */
class CatStateSealTest {
    static final String BANK = "https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank|1.0.0";
    static final String KEY_A = "a-production-key-of-at-least-32-characters-AAAA";
    static final String KEY_B = "another-production-key-of-32-characters-BBBBBBB";

    @Test
    void theSealCoversBankSeedAndEveryAskedItemInOrder() {
        CatStateSeal seal = new CatStateSeal(KEY_A, List.of());
        List<String> asked = List.of("E01", "E17", "E05");
        String s = seal.seal(BANK, 42L, asked);
        assertTrue(seal.verify(BANK, 42L, asked, s));
        assertFalse(seal.verify(BANK, 43L, asked, s), "another seed");
        assertFalse(seal.verify(BANK.replace("1.0.0", "1.0.1"), 42L, asked, s), "another bank version");
        assertFalse(seal.verify(BANK, 42L, List.of("E01", "E05", "E17"), s), "another order");
        assertFalse(seal.verify(BANK, 42L, List.of("E01", "E17"), s), "an item less");
        assertFalse(seal.verify(BANK, 42L, List.of("E01", "E17", "E05", "E09"), s), "an item more");
        // field boundaries are part of the message: moving characters between linkIds changes the seal
        assertNotEquals(seal.seal(BANK, 42L, List.of("E1", "7")), seal.seal(BANK, 42L, List.of("E17")));
        assertFalse(seal.verify(BANK, 42L, asked, "not base64 !"));
        assertFalse(seal.verify(BANK, 42L, asked, null));
        assertNotEquals(seal.newSeed(), seal.newSeed());
    }

    @Test
    void aStateWithoutPreviousThetaIsSealedExactlyAsBeforeTheFieldExisted() throws Exception {
        // the v1 message written out here independently: domain, bank, seed, count, length-prefixed linkIds
        List<String> asked = List.of("a1", "b22");
        byte[] bank = BANK.getBytes(StandardCharsets.UTF_8);
        byte[] domain = "vointi-cat-state-v1".getBytes(StandardCharsets.UTF_8);
        ByteBuffer v1 = ByteBuffer.allocate(domain.length + 4 + bank.length + 8 + 4 + 4 + 2 + 4 + 3);
        v1.put(domain).putInt(bank.length).put(bank).putLong(42L).putInt(2)
                .putInt(2).put("a1".getBytes(StandardCharsets.UTF_8)).putInt(3).put("b22".getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY_A.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String before = Base64.getEncoder().encodeToString(mac.doFinal(v1.array()));
        CatStateSeal seal = new CatStateSeal(KEY_A, List.of());
        assertEquals(before, seal.seal(BANK, 42L, asked));
        assertEquals(before, seal.seal(BANK, 42L, asked, OptionalDouble.empty()));
        assertTrue(seal.verify(BANK, 42L, asked, OptionalDouble.empty(), before));
    }

    @Test
    void thePreviousThetaIsSealedToo() {
        CatStateSeal seal = new CatStateSeal(KEY_A, List.of());
        List<String> asked = List.of("a1");
        String with = seal.seal(BANK, 42L, asked, OptionalDouble.of(1.25));
        assertTrue(seal.verify(BANK, 42L, asked, OptionalDouble.of(1.25), with));
        assertFalse(seal.verify(BANK, 42L, asked, OptionalDouble.of(1.2500000001), with), "changed");
        assertFalse(seal.verify(BANK, 42L, asked, OptionalDouble.empty(), with), "removed");
        assertFalse(seal.verify(BANK, 42L, asked, OptionalDouble.of(0.0), seal.seal(BANK, 42L, asked)), "added");
    }

    @Test
    void rotationAcceptsPreviousKeysButSealsWithTheCurrentOne() {
        List<String> asked = List.of("E01");
        String underA = new CatStateSeal(KEY_A, List.of()).seal(BANK, 7L, asked);
        CatStateSeal rotated = new CatStateSeal(KEY_B, List.of(KEY_A));
        assertTrue(rotated.verify(BANK, 7L, asked, underA), "a test started before the rotation continues");
        assertNotEquals(underA, rotated.seal(BANK, 7L, asked), "new seals use the new key");
        assertFalse(new CatStateSeal(KEY_B, List.of()).verify(BANK, 7L, asked, underA), "a retired key is refused");
    }

    @Test
    void productionNeedsItsOwnKeyDevModeAndTestsHaveADefault() {
        Set<String> production = Set.of("postgres");
        assertTrue(assertThrows(ConfigurationException.class, () -> CatStateSeal.checkedKey(null, production, false))
                .getMessage().contains("VOINTI_ADAPTIVE_STATE_KEY"));
        assertThrows(ConfigurationException.class, () -> CatStateSeal.checkedKey("  ", Set.of(), false));
        assertTrue(assertThrows(ConfigurationException.class, () -> CatStateSeal.checkedKey(CatStateSeal.DEV_KEY, production,
                false)).getMessage().contains("development key"));
        assertThrows(ConfigurationException.class, () -> CatStateSeal.checkedKey("short", production, false));
        assertEquals(KEY_A, CatStateSeal.checkedKey(KEY_A, production, false));
        assertEquals(CatStateSeal.DEV_KEY, CatStateSeal.checkedKey(null, Set.of(), true), "dev mode");
        assertEquals(CatStateSeal.DEV_KEY, CatStateSeal.checkedKey("", Set.of(Environment.TEST), false), "tests");
    }

    @Test
    void aProductionStartWithoutAStateKeyIsRefused() {
        // no test environment, no dev mode, every other production setting present
        ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .properties(Map.of(
                        "vointi.security.dev-issuer.enabled", "false",
                        "vointi.fhir.base-url", "https://vointi.example/fhir",
                        "vointi.feedback.public-base-url", "https://palaute.vointi.example",
                        "datasources.default.url", "jdbc:h2:mem:cat-state-key;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                        "datasources.default.username", "sa",
                        "datasources.default.driver-class-name", "org.h2.Driver",
                        "datasources.default.dialect", "H2",
                        "micronaut.server.port", "-1"))
                // H2's migrations in H2's schema, also when the suite runs with MICRONAUT_ENVIRONMENTS=test-postgres
                .properties(Map.of(
                        "flyway.datasources.default.locations", "classpath:db/migration,classpath:db/vendor/h2",
                        "flyway.datasources.default.schemas", "public"))
                .build();
        assertFalse(context.getEnvironment().getActiveNames().contains(Environment.TEST));
        Exception e = assertThrows(Exception.class, context::start);
        context.close();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        assertTrue(messages.toString().contains("VOINTI_ADAPTIVE_STATE_KEY"), messages.toString());
    }
}
