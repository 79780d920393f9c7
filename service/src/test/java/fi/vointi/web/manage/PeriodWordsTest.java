package fi.vointi.web.manage;

import org.junit.jupiter.api.Test;

import java.time.Period;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rounds page's cycle in words (PeriodWords), in fi, sv and en, singular and plural, without a framework. */
class PeriodWordsTest {
    static String every(String iso, String lang) {
        return PeriodWords.every(Period.parse(iso), lang);
    }

    static String during(String iso, String lang) {
        return PeriodWords.during(Period.parse(iso), lang);
    }

    @Test
    void everyYearOpenForFourWeeks() {
        assertEquals("every year", every("P1Y", "en"));
        assertEquals("4 weeks", during("P28D", "en"));
        assertEquals("4 weeks", during("P4W", "en"));
        assertEquals("joka vuosi", every("P1Y", "fi"));
        assertEquals("4 viikkoa", during("P28D", "fi"));
        assertEquals("varje år", every("P1Y", "sv"));
        assertEquals("4 veckor", during("P28D", "sv"));
    }

    @Test
    void singleUnitsInEveryLanguage() {
        assertEquals("every month", every("P1M", "en"));
        assertEquals("every week", every("P7D", "en"));
        assertEquals("every day", every("P1D", "en"));
        assertEquals("joka kuukausi", every("P1M", "fi"));
        assertEquals("joka viikko", every("P1W", "fi"));
        assertEquals("joka päivä", every("P1D", "fi"));
        assertEquals("varje månad", every("P1M", "sv"));
        assertEquals("varje vecka", every("P1W", "sv"));
        assertEquals("varje dag", every("P1D", "sv"));
        assertEquals("one year", during("P1Y", "en"));
        assertEquals("vuoden", during("P1Y", "fi")); // "auki vuoden"
        assertEquals("ett år", during("P1Y", "sv"));
        assertEquals("en månad", during("P1M", "sv"));
        assertEquals("viikon", during("P7D", "fi"));
        assertEquals("en dag", during("P1D", "sv"));
    }

    @Test
    void pluralsAndOrdinals() {
        assertEquals("every 2 years", every("P2Y", "en"));
        assertEquals("2 vuoden välein", every("P2Y", "fi"));
        assertEquals("vart 2:a år", every("P2Y", "sv"));
        assertEquals("var 6:e månad", every("P6M", "sv"));
        assertEquals("6 kuukauden välein", every("P6M", "fi"));
        assertEquals("var 3:e vecka", every("P21D", "sv"));
        assertEquals("var 11:e dag", every("P11D", "sv"));
        assertEquals("var 22:a dag", every("P22D", "sv"));
        assertEquals("var 31:a dag", every("P31D", "sv"));
        assertEquals("var 12:e dag", every("P12D", "sv"));
        assertEquals("2 years", during("P2Y", "en"));
        assertEquals("2 vuotta", during("P2Y", "fi"));
        assertEquals("2 år", during("P2Y", "sv"));
        assertEquals("10 days", during("P10D", "en"));
        assertEquals("10 päivää", during("P10D", "fi"));
        assertEquals("10 dagar", during("P10D", "sv"));
        assertEquals("3 months", during("P3M", "en"));
        assertEquals("3 kuukautta", during("P3M", "fi"));
        assertEquals("3 månader", during("P3M", "sv"));
    }

    @Test
    void combinedPeriods() {
        assertEquals("every one year and 6 months", every("P18M", "en"));
        assertEquals("1 vuoden ja 6 kuukauden välein", every("P1Y6M", "fi"));
        assertEquals("var 18:e månad", every("P1Y6M", "sv"));
        assertEquals("med ett mellanrum på en månad och 2 veckor", every("P1M14D", "sv"));
        assertEquals("one month and 10 days", during("P1M10D", "en"));
        assertEquals("kuukauden ja 10 päivää", during("P1M10D", "fi"));
        assertEquals("2 years, 3 months and 2 weeks", during("P2Y3M14D", "en"));
        assertEquals("every 2 weeks", every("P14D", "de")); // another language: English
    }

    @Test
    void onlyPositivePeriods() {
        assertThrows(IllegalArgumentException.class, () -> PeriodWords.every(Period.ZERO, "en"));
        assertThrows(IllegalArgumentException.class, () -> PeriodWords.during(Period.ofDays(-7), "fi"));
    }
}
