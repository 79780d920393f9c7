package fi.vointi.web.staff;

import fi.vointi.results.ResultsViews;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecordTextTest {
    @Test
    void oneLinePerScoreWithBandSeAndChangeSinceBaseline() {
        String text = RecordText.of("en", "Wellbeing\n(demo)", "15 Mar 2026", "Answered by the patient", List.of(
                new RecordText.Score("Total", "28", null, "Moderate", new ResultsViews.Change("+6", "+6 (a clear change)", true, "a clear change"), false),
                new RecordText.Score("Energy", "55.2", "3.1", null, null, true),
                new RecordText.Score("Sleep", null, null, null, null, false)));
        assertEquals("""
                Wellbeing (demo), 15 Mar 2026
                Answered by the patient
                Total: 28 (Moderate); change since first answer +6 (a clear change)
                Energy: 55.2 ± 3.1; first answer (baseline)
                Sleep: not scored; change since first answer –""".replace("not scored",
                fi.vointi.web.Messages.get("en", "app.results.notScored")), text);
    }

    @Test
    void inTheClinicianLanguageAndWithoutScores() {
        String text = RecordText.of("fi", "Kysely", "1.12.2026", "Potilaan itse vastaama", List.of());
        assertEquals("Kysely, 1.12.2026\nPotilaan itse vastaama\nEi pisteitä.", text);
    }
}
