package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatSimulatorTest {

    private static final ItemBank BANK = TestBanks.gradedBank(30, 2024);

    @Test
    void recoversThetaZeroWithPromisDefaults() {
        CatDesign design = CatDesign.defaults();
        double[] zeros = new double[300];
        SimulationReport report = new CatSimulator(BANK, design).simulate(zeros, 17);
        assertEquals(300, report.respondents());
        assertTrue(report.rmse() < 0.45, "RMSE " + report.rmse());
        assertTrue(report.meanTestLength() >= design.minItems() && report.meanTestLength() <= design.maxItems(),
                "mean length " + report.meanTestLength());
        assertTrue(Math.abs(report.bias()) < 0.1, "bias " + report.bias());
        // At one true theta the CAT and full-bank estimates share only measurement noise, so their
        // correlation is moderate; it is checked on a N(0, 1) population below.
        assertTrue(report.correlationWithFullBank() > 0.3, "r " + report.correlationWithFullBank());
        System.out.printf("Simulation at theta 0: n = %d, mean length = %.2f, bias = %.4f, RMSE = %.4f, r = %.3f%n",
                report.respondents(), report.meanTestLength(), report.bias(), report.rmse(),
                report.correlationWithFullBank());
        assertEquals(1, report.byTrueTheta().size());
        assertEquals(report.rmse(), report.byTrueTheta().get(0).rmse(), 1e-12);
        for (SimulatedRespondent row : report.rows()) {
            assertTrue(row.itemsAdministered() >= 4 && row.itemsAdministered() <= 12);
        }
        int counted = report.stopReasons().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(300, counted);
    }

    @Test
    void isDeterministicForASeed() {
        CatSimulator simulator = new CatSimulator(BANK, CatDesign.builder().randomesque(3).build());
        SimulationReport first = simulator.simulateStandardNormal(120, 5);
        SimulationReport again = simulator.simulateStandardNormal(120, 5);
        assertEquals(first, again);
        SimulationReport other = simulator.simulateStandardNormal(120, 6);
        assertTrue(!first.rows().equals(other.rows()));
        assertTrue(first.correlationWithFullBank() > 0.9, "r " + first.correlationWithFullBank());
    }

    @Test
    void reportsConditionalRowsPerTrueTheta() {
        double[] thetas = new double[200];
        double[] levels = {-2, -1, 0, 1, 2};
        for (int i = 0; i < thetas.length; i++) {
            thetas[i] = levels[i % levels.length];
        }
        SimulationReport report = new CatSimulator(BANK, CatDesign.defaults()).simulate(thetas, 9);
        assertEquals(5, report.byTrueTheta().size());
        assertEquals(Arrays.stream(levels).boxed().toList(),
                report.byTrueTheta().stream().map(ConditionalSummary::trueTheta).toList());
        for (ConditionalSummary row : report.byTrueTheta()) {
            assertEquals(40, row.respondents());
            assertTrue(row.rmse() < 0.6, row.toString());
        }
    }

    @Test
    void standardNormalDrawsLookStandardNormal() {
        SimulationReport report = new CatSimulator(BANK, CatDesign.defaults()).simulateStandardNormal(400, 1);
        double mean = report.rows().stream().mapToDouble(SimulatedRespondent::trueTheta).average().orElseThrow();
        double variance = report.rows().stream().mapToDouble(r -> (r.trueTheta() - mean) * (r.trueTheta() - mean))
                .sum() / 399;
        assertEquals(0.0, mean, 0.2);
        assertEquals(1.0, variance, 0.25);
    }

    @Test
    void exposureFiguresMatchADirectCount() {
        SimulationReport report = new CatSimulator(BANK, CatDesign.builder().randomesque(4).build())
                .simulateStandardNormal(150, 3);
        // count directly from the items each simulee was asked, pair by pair for the overlap
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (SimulatedRespondent row : report.rows()) {
            assertEquals(row.itemsAdministered(), row.items().size());
            row.items().forEach(id -> counts.merge(id, 1, Integer::sum));
        }
        double max = 0;
        int unused = 0;
        for (IrtItem item : BANK.items()) {
            double rate = counts.getOrDefault(item.id(), 0) / 150.0;
            assertEquals(rate, report.exposure().exposureRates().get(item.id()), 1e-12, item.id());
            max = Math.max(max, rate);
            unused += counts.containsKey(item.id()) ? 0 : 1;
        }
        assertEquals(max, report.exposure().maxExposureRate(), 1e-12);
        assertEquals(unused / (double) BANK.size(), report.exposure().unusedShare(), 1e-12);
        double shared = 0;
        int pairs = 0;
        List<SimulatedRespondent> rows = report.rows();
        for (int j = 0; j < rows.size(); j++) {
            for (int k = j + 1; k < rows.size(); k++) {
                java.util.Set<String> common = new java.util.HashSet<>(rows.get(j).items());
                common.retainAll(rows.get(k).items());
                shared += common.size();
                pairs++;
            }
        }
        assertEquals(shared / pairs / report.meanTestLength(), report.exposure().testOverlapRate(), 1e-12);
        assertTrue(report.exposure().maxExposureRate() < 1.0, "randomesque 4 spreads the first item");
    }

    @Test
    void sympsonHetterParametersKeepEveryItemUnderTheCap() {
        // 8 items of 30: the average exposure is at most 8/30, so a cap of 0.5 is attainable with room to spare
        CatDesign design = CatDesign.builder().maxItems(8).build();
        SimulationReport free = new CatSimulator(BANK, design).simulateFromPrior(1000, 11);
        assertEquals(1.0, free.exposure().maxExposureRate(), 1e-12, "without control the first item is always the same");
        java.util.Map<String, Double> k = CatSimulator.sympsonHetter(BANK, design, 0.5, 1000, 25, 1000);
        assertFalse(k.isEmpty());
        k.values().forEach(value -> assertTrue(value > 0 && value < 1, "K " + value));
        // verified on other simulees than those the parameters were calibrated on
        SimulationReport controlled = new CatSimulator(BANK, design.toBuilder().exposureParameters(k).build())
                .simulateFromPrior(2000, 11);
        assertTrue(controlled.exposure().maxExposureRate() <= 0.5 + 0.03,
                "max exposure " + controlled.exposure().maxExposureRate());
        assertTrue(controlled.exposure().testOverlapRate() < free.exposure().testOverlapRate());
        assertTrue(controlled.rmse() < free.rmse() + 0.05, "precision stays close: " + controlled.rmse() + " vs " + free.rmse());
        System.out.printf("Sympson-Hetter cap 0.5: max exposure %.3f -> %.3f, overlap %.3f -> %.3f, RMSE %.3f -> %.3f%n",
                free.exposure().maxExposureRate(), controlled.exposure().maxExposureRate(),
                free.exposure().testOverlapRate(), controlled.exposure().testOverlapRate(), free.rmse(), controlled.rmse());
    }

    @Test
    void simulatesTheDesignsPrior() {
        CatDesign design = CatDesign.builder().priorMean(1.0).priorSd(0.5).build();
        SimulationReport report = new CatSimulator(BANK, design).simulateFromPrior(400, 1);
        SimulationReport standard = new CatSimulator(BANK, design).simulateStandardNormal(400, 1);
        for (int i = 0; i < 400; i++) {
            // the same standard normal draws, moved to N(1, 0.5^2)
            assertEquals(1.0 + 0.5 * standard.rows().get(i).trueTheta(), report.rows().get(i).trueTheta(), 1e-12);
        }
    }
}
