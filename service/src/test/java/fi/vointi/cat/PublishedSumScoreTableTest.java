package fi.vointi.cat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks Lord-Wingersky EAP summed-score scoring against the published PROMIS global mental health
 * table (Hays et al. 2009), i.e. numbers produced by other software (MULTILOG-calibrated parameters,
 * published T-scores and SDs).
 *
 * <p>The published T-scores are m + s * EAP(sum) with m and s not stated, so they are fitted here by
 * least squares; the check is that a single linear map reproduces all 17 rows to within 0.15 T points
 * and that the published SDs equal s times our posterior SD.
 *
 * <p>Grid: -6..6 in 241 points (step 0.05). The published values approximate the continuous
 * integral, so the grid must make our quadrature error negligible. The extreme sums (4 and 20) put
 * posterior mass beyond +-4, where the CAT's -4..4 grid truncates it (that grid gives a max residual of
 * about 0.147, too close to the tolerance to say anything); with -6..6 the truncated mass is below
 * 1e-8, and halving the step changes no fitted number in the fourth decimal.
 */
class PublishedSumScoreTableTest {

    private static final QuadratureGrid FINE_GRID = new QuadratureGrid(-6.0, 6.0, 241);
    private static final String RESOURCE = "/reference/global-mental-health-sum-score-table.json";

    private static JsonNode reference;
    private static SumScoreTable table;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = PublishedSumScoreTableTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " must be on the test classpath");
            reference = new ObjectMapper().readTree(in);
        }
        assertEquals("graded-response", reference.get("model").asText());
        List<IrtItem> items = new ArrayList<>();
        for (JsonNode item : reference.get("items")) {
            double[] thresholds = new double[item.get("thresholds").size()];
            for (int k = 0; k < thresholds.length; k++) {
                thresholds[k] = item.get("thresholds").get(k).asDouble();
            }
            items.add(new GradedResponseItem(item.get("id").asText(), item.get("slope").asDouble(), thresholds));
        }
        // Categories are scored 1..5, so category 0 carries 1 point.
        table = SumScoreTable.build(items, 1, FINE_GRID, NormalPrior.STANDARD, ScoreScale.T_SCORE);
    }

    @Test
    void referenceNamesItsSource() {
        assertTrue(reference.get("source").asText().contains("Hays"));
    }

    @Test
    void rawSumsRunFrom4To20() {
        assertEquals(4, table.minRawSum());
        assertEquals(20, table.maxRawSum());
        assertEquals(17, reference.get("table").size());
        double total = table.rows().stream().mapToDouble(SumScoreRow::probability).sum();
        assertEquals(1.0, total, 1e-12);
    }

    @Test
    void publishedTScoresAreALinearFunctionOfEapTheta() {
        SimpleRegression fit = new SimpleRegression(true);
        for (JsonNode row : reference.get("table")) {
            fit.addData(table.row(row.get("raw").asInt()).theta(), row.get("t").asDouble());
        }
        double m = fit.getIntercept();
        double s = fit.getSlope();
        assertTrue(m >= 48 && m <= 52, "fitted mean " + m);
        assertTrue(s >= 9 && s <= 11, "fitted sd " + s);

        double maxResidual = 0.0;
        double maxSdDifference = 0.0;
        for (JsonNode row : reference.get("table")) {
            SumScoreRow ours = table.row(row.get("raw").asInt());
            double residual = row.get("t").asDouble() - (m + s * ours.theta());
            double sdDifference = row.get("sd").asDouble() - s * ours.standardError();
            assertTrue(Math.abs(residual) <= 0.15, "raw " + ours.rawSum() + ": T residual " + residual);
            assertTrue(Math.abs(sdDifference) <= 0.15, "raw " + ours.rawSum() + ": SD difference " + sdDifference);
            maxResidual = Math.max(maxResidual, Math.abs(residual));
            maxSdDifference = Math.max(maxSdDifference, Math.abs(sdDifference));
        }
        System.out.printf("Published table fit: m = %.4f, s = %.4f, max |T residual| = %.4f, max |SD diff| = %.4f%n",
                m, s, maxResidual, maxSdDifference);
    }

    @Test
    void eapThetaIncreasesWithTheSum() {
        List<SumScoreRow> rows = table.rows();
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i).theta() > rows.get(i - 1).theta());
        }
        assertFalse(rows.isEmpty());
    }
}
