package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
