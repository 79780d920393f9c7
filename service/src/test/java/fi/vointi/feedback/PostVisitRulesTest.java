package fi.vointi.feedback;

import fi.vointi.messaging.Channel;
import fi.vointi.messaging.Gsm7;
import fi.vointi.messaging.Templates;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure rules of post-visit feedback: systematic sampling, its configuration, the SMS texts. */
class PostVisitRulesTest {
    static long pickedOf(long from, long count, long ppm) {
        long picked = 0;
        for (long n = from; n < from + count; n++) {
            if (PostVisitSampling.picked(n, ppm)) {
                picked++;
            }
        }
        return picked;
    }

    @Test
    void ofTheFirstNVisitsExactlyFloorNTimesTheShareArePicked() {
        for (double share : new double[] {0, 0.001, 0.1, 0.15, 0.29, 1.0 / 3, 0.5, 0.7, 0.999999, 1}) {
            long ppm = PostVisitSampling.partsPerMillion(share);
            for (long n : new long[] {1, 7, 10, 100, 999, 1000, 12_345}) {
                assertEquals(n * ppm / 1_000_000, pickedOf(1, n, ppm), share + " of " + n);
            }
        }
    }

    @Test
    void anyRunOfVisitsGetsAtMostItsShareRoundedUpAndEveryUnitIsReachedInTime() {
        long ppm = PostVisitSampling.partsPerMillion(0.1);
        for (long start = 1; start < 50; start++) {
            long picked = pickedOf(start, 1000, ppm);
            assertTrue(picked <= 100, "from " + start + ": " + picked);
            assertTrue(pickedOf(start, 9, ppm) <= 1);
        }
        // a unit with three visits a day is still asked: the counter runs across days
        assertEquals(3, pickedOf(1, 30, ppm));
        assertFalse(PostVisitSampling.picked(5, 0));
        assertTrue(PostVisitSampling.picked(5, 1_000_000));
        assertThrows(IllegalArgumentException.class, () -> PostVisitSampling.picked(0, ppm));
    }

    @Test
    void sharesAreCheckedAtStartUp() {
        PostVisitConfiguration configuration = new PostVisitConfiguration();
        assertEquals(0, configuration.sharePpm(), "nothing is sent until a county sets a share");
        configuration.setShare(0.25);
        assertEquals(250_000, configuration.sharePpm());
        configuration.setUnitShares("demo-unit-a=1, demo-service-b = 0.05");
        assertEquals(Map.of("demo-unit-a", 1_000_000L, "demo-service-b", 50_000L), configuration.unitSharesPpm());
        assertThrows(ConfigurationException.class, () -> configuration.setShare(1.5));
        assertThrows(ConfigurationException.class, () -> configuration.setShare(-0.1));
        assertThrows(ConfigurationException.class, () -> configuration.setShare(Double.NaN));
        assertThrows(ConfigurationException.class, () -> configuration.setUnitShares("demo-unit-a"));
        assertThrows(ConfigurationException.class, () -> configuration.setUnitShares("demo-unit-a=lots"));
        assertThrows(ConfigurationException.class, () -> configuration.setUnitShares("demo-unit-a=2"));
        assertThrows(ConfigurationException.class, () -> configuration.setLinkLifetime(java.time.Duration.ofDays(91)));
        assertThrows(ConfigurationException.class, () -> configuration.setPeriod(java.time.Duration.ZERO));
    }

    @Test
    void thePostVisitSmsFitsOneSegmentInEveryLanguageWithTheLongestLinkAndSender() {
        String link = "https://palaute.example-county.fi/p/" + "A".repeat(22);
        link = link + "x".repeat(60 - link.length());
        for (String language : Templates.LANGUAGES) {
            Templates.Text sms = Templates.render("postvisit", Channel.SMS, language, Map.of("sender", "ABCDEFGHIJK", "link", link));
            assertEquals(1, Gsm7.segments(sms.body()), language + ": " + sms.body());
            assertTrue(Gsm7.isGsm7(sms.body()), language);
            assertTrue(sms.body().contains("STOP") && sms.body().contains(link), language);
        }
    }
}
