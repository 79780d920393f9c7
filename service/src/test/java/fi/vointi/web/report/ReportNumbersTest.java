package fi.vointi.web.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ReportNumbersTest {
    @Test
    void figuresAreWrittenAsTheLanguageWritesThem() {
        assertEquals("33,33", ReportNumbers.decimal(33.33, "fi"));
        assertEquals("33,33", ReportNumbers.decimal(33.33, "sv"));
        assertEquals("33.33", ReportNumbers.decimal(33.33, "en"));
        assertEquals("-14,38", ReportNumbers.decimal(-14.38, "fi"));
        assertEquals("30", ReportNumbers.decimal(30.0, "fi"));
        assertEquals("6,5", ReportNumbers.decimal(6.5, "fi"));
        assertEquals("1000", ReportNumbers.decimal(1000, "fi"), "no grouping: a figure stays one word");
    }

    @Test
    void changesCarryTheirSign() {
        assertEquals("+6,25", ReportNumbers.signed(6.25, "fi"));
        assertEquals("-2", ReportNumbers.signed(-2, "sv"));
        assertEquals("±0", ReportNumbers.signed(0, "en"));
        // a difference of two API figures, rounded like them
        assertEquals(-90.91, ReportNumbers.change(9.09, 100.0));
        assertEquals(0.01, ReportNumbers.change(33.34, 33.33));
        assertNull(ReportNumbers.change(null, 3.0));
        assertNull(ReportNumbers.change(3.0, null));
    }

    @Test
    void sharesAreTwoDecimalPercentagesOfAPublishedWhole() {
        assertEquals(37.5, ReportNumbers.percent(6, 16));
        assertEquals(33.33, ReportNumbers.percent(1, 3));
        assertEquals(66.67, ReportNumbers.percent(2, 3));
        assertNull(ReportNumbers.percent(0, 0));
    }

    @Test
    void barsAreWholePercentOfTheirTrackAndAnythingAboveZeroShows() {
        assertEquals(100, ReportNumbers.width(16, 16));
        assertEquals(38, ReportNumbers.width(6, 16));
        assertEquals(1, ReportNumbers.width(1, 1000));
        assertEquals(0, ReportNumbers.width(0, 10));
        assertEquals(0, ReportNumbers.width(5, 0));
        assertEquals(100, ReportNumbers.width(12, 10), "never beyond the track");
        // NPS −100…100 on a diverging track: each half holds one sign
        assertEquals(0, ReportNumbers.npsHalf(-40, true));
        assertEquals(40, ReportNumbers.npsHalf(-40, false));
        assertEquals(100, ReportNumbers.npsHalf(100, true));
        assertEquals(0, ReportNumbers.npsHalf(100, false));
        assertEquals(0, ReportNumbers.npsHalf(0, true));
        assertEquals(0, ReportNumbers.npsHalf(0, false));
    }
}
