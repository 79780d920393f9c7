package fi.vointi.analytics;

import fi.vointi.analytics.CellSuppression.Counts;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The atomic-cell rule, case by case (the search over pairs of reports is {@link SuppressionDifferencingPropertyTest}). */
class CellSuppressionTest {
    private final CellSuppression rule = new CellSuppression(5);

    /** n answers, all promoters, all answering statement s with the given value, all through qr. */
    static Counts uniform(int n, int statementValue) {
        Counts c = new Counts();
        c.responses = n;
        c.promoters = n;
        c.statement("s")[statementValue - 1] = n;
        c.channels.put("qr", (long) n);
        return c;
    }

    @Test
    void anAtomicCellIsPublishedOnlyWhenEveryCategoryIsZeroOrAtLeastK() {
        assertTrue(rule.publishable(uniform(5, 4)));
        assertTrue(rule.publishable(new Counts()), "no answers reveal nobody");
        assertFalse(rule.publishable(uniform(4, 4)), "4 answers");
        Counts oneDetractor = uniform(7, 5);
        oneDetractor.promoters = 6;
        oneDetractor.detractors = 1;
        assertFalse(rule.publishable(oneDetractor), "one detractor among 7");
        Counts oneAccess1 = uniform(8, 5);
        oneAccess1.statement("s")[4] = 7;
        oneAccess1.statement("s")[0] = 1;
        assertFalse(rule.publishable(oneAccess1), "a distribution holding one person (\"1\":1)");
        Counts oneSkipped = uniform(6, 3);
        oneSkipped.statement("s")[2] = 5;
        assertFalse(rule.publishable(oneSkipped), "one person who left the statement unanswered is a category too");
        Counts oneSms = uniform(6, 3);
        oneSms.channels.put("qr", 5L);
        oneSms.channels.put("sms", 1L);
        assertFalse(rule.publishable(oneSms), "one answer through sms");
        Counts cantSay = uniform(10, 2);
        cantSay.statement("s")[1] = 5;
        cantSay.statement("s")[CellSuppression.CANT_SAY] = 5;
        assertTrue(rule.publishable(cantSay));
    }

    @Test
    void aggregatesAddOnlyPublishedCellsAndSayNotHowManyWereWithheld() {
        Counts march = uniform(1, 1);
        march.promoters = 0;
        march.detractors = 1;
        Counts april = uniform(7, 5);
        CellSuppression.Aggregate both = rule.aggregate(List.of(march, april));
        CellSuppression.Aggregate aprilAlone = rule.aggregate(List.of(april));
        // the probe of issue 13 case 5: March-April minus April used to be March's single answer
        assertEquals(7, both.published().responses);
        assertEquals(0, both.published().detractors);
        assertEquals(0, both.published().statements.get("s")[0]);
        assertTrue(both.withheld());
        assertFalse(aprilAlone.withheld());
        assertEquals(aprilAlone.published().categories(), both.published().categories(), "nothing of March is recoverable");
        assertTrue(rule.aggregate(List.of(march)).withheld());
        assertEquals(0, rule.aggregate(List.of(march)).published().responses);
    }
}
