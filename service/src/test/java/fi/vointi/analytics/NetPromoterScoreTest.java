package fi.vointi.analytics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetPromoterScoreTest {

    @Test
    void scoreAndWaldIntervalByHand() {
        // 5 promoters, 3 passives, 2 detractors: p = .5, d = .2, NPS = 30
        // Var = (.5 + .2 - .3²) / 10 = .061, half-width = 1.959964 * sqrt(.061) = .484075
        NetPromoterScore nps = NetPromoterScore.of(5, 3, 2);
        assertEquals(10, nps.n());
        assertEquals(30.0, nps.score(), 1e-9);
        assertEquals(-18.4075, nps.lower(), 1e-4);
        assertEquals(78.4075, nps.upper(), 1e-4);
        assertEquals(1.959964, NetPromoterScore.z(), 1e-6);
    }

    @Test
    void intervalIsClippedAndCollapsesWhenEveryoneAgrees() {
        NetPromoterScore allPromoters = NetPromoterScore.of(3, 0, 0);
        assertEquals(100.0, allPromoters.score(), 1e-9);
        assertEquals(100.0, allPromoters.lower(), 1e-9);
        assertEquals(100.0, allPromoters.upper(), 1e-9);
        // 1 promoter, 1 detractor: score 0, Var = (1 - 0)/2 = .5, half-width 1.386 -> clipped to -100..100
        NetPromoterScore split = NetPromoterScore.of(1, 0, 1);
        assertEquals(-100.0, split.lower(), 1e-9);
        assertEquals(100.0, split.upper(), 1e-9);
    }

    @Test
    void roundingIsSymmetricAroundZero() {
        // 32 answers, 10 promoters, 11 detractors: NPS = -1/32 = -3.125 exactly; the mirror case is +3.125.
        // Rounding must not depend on the sign: -3.13 and 3.13 (half away from zero), not -3.12 and 3.13
        assertEquals(-3.125, NetPromoterScore.of(10, 11, 11).score(), 0);
        assertEquals(-3.13, FeedbackReports.round(NetPromoterScore.of(10, 11, 11).score()), 0);
        assertEquals(3.13, FeedbackReports.round(NetPromoterScore.of(11, 11, 10).score()), 0);
        assertEquals(-18.41, FeedbackReports.round(NetPromoterScore.of(5, 3, 2).lower()), 0);
    }

    @Test
    void categories() {
        assertEquals(NetPromoterScore.Category.DETRACTOR, NetPromoterScore.categorise(0));
        assertEquals(NetPromoterScore.Category.DETRACTOR, NetPromoterScore.categorise(6));
        assertEquals(NetPromoterScore.Category.PASSIVE, NetPromoterScore.categorise(7));
        assertEquals(NetPromoterScore.Category.PASSIVE, NetPromoterScore.categorise(8));
        assertEquals(NetPromoterScore.Category.PROMOTER, NetPromoterScore.categorise(9));
        assertEquals(NetPromoterScore.Category.PROMOTER, NetPromoterScore.categorise(10));
        assertThrows(IllegalArgumentException.class, () -> NetPromoterScore.categorise(11));
        assertThrows(IllegalArgumentException.class, () -> NetPromoterScore.of(0, 0, 0));
    }

    @Test
    void statementSummaryByHand() {
        // answers 1,2,3,3,4,4,4,5,5,5: mean 36/10, agreeing 6 of 10
        StatementSummary summary = StatementSummary.of(1, 1, 2, 3, 3);
        assertEquals(10, summary.n());
        assertEquals(3.6, summary.mean(), 1e-9);
        assertEquals(60.0, summary.agreePercent(), 1e-9);
        assertArrayEquals(new int[]{1, 1, 2, 3, 3}, summary.counts());
        assertThrows(IllegalArgumentException.class, () -> StatementSummary.of(0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> StatementSummary.of(1, 2, 3));
    }

    @Test
    void cantSayAnswersAreCountedApartAndInNoOtherFigure() {
        // the same ten answers and three "can't say": n, mean, distribution and agreeing as without them
        StatementSummary summary = StatementSummary.of(new int[]{1, 1, 2, 3, 3}, 3);
        assertEquals(10, summary.n());
        assertEquals(3.6, summary.mean(), 1e-9);
        assertEquals(60.0, summary.agreePercent(), 1e-9);
        assertEquals(3, summary.cantSay());
        StatementSummary onlyCantSay = StatementSummary.of(new int[]{0, 0, 0, 0, 0}, 5);
        assertEquals(0, onlyCantSay.n());
        assertNull(onlyCantSay.mean(), "no mean of no answers");
        assertNull(onlyCantSay.agreePercent());
        assertEquals(5, onlyCantSay.cantSay());
        assertThrows(IllegalArgumentException.class, () -> StatementSummary.of(new int[]{0, 0, 0, 0, 0}, 0));
        assertThrows(IllegalArgumentException.class, () -> StatementSummary.of(new int[]{1, 0, 0, 0, 0}, -1));
    }
}
