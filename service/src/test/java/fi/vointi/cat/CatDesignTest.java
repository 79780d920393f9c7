package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CatDesignTest {

    @Test
    void defaultsFollowPromis() {
        CatDesign design = CatDesign.defaults();
        assertEquals(4, design.minItems());
        assertEquals(12, design.maxItems());
        assertEquals(0.3, design.standardErrorStop());
        assertEquals(SelectionMethod.MAX_INFO, design.selection());
        assertEquals(EstimationMethod.EAP, design.estimator());
        assertEquals(new NormalPrior(0, 1), design.prior());
        assertEquals(new QuadratureGrid(-4, 4, 81), design.grid());
        assertEquals(ScoreScale.T_SCORE, design.scoreScale());
        assertEquals(1, design.randomesque());
        assertNull(design.firstItemId());
        assertEquals(0.0, design.startTheta());
        assertEquals(StoppingRule.PROMIS_DEFAULT, design.stoppingRule());
    }

    @Test
    void builderSetsEveryOptionAndRoundTrips() {
        // startTheta applies to max-info only, and the grid must cover 0.5 +- 4 x 1.5 (intended since issue 14)
        CatDesign design = CatDesign.builder().minItems(2).maxItems(20).standardErrorStop(0.25)
                .selection(SelectionMethod.MAX_INFO).estimator(EstimationMethod.MAP).priorMean(0.5)
                .priorSd(1.5).quadrature(-7, 7, 141).scoreMean(0).scoreSd(1).randomesque(3).firstItemId("X")
                .startTheta(-1).randomSeed(7).scoreDecimals(2).thetaChangeStop(0.05).previousScorePrior(true, 0.5)
                .contentBalancing(Map.of("a", 1.0), Map.of("X", "a")).enemySets(List.of(Set.of("X", "Y"))).build();
        assertEquals(new CatDesign(2, 20, 0.25, SelectionMethod.MAX_INFO, EstimationMethod.MAP, 0.5, 1.5,
                -7, 7, 141, 0, 1, 3, "X", -1, 7, 0.0, 2, 0.05, true, 0.5, Map.of("a", 1.0), Map.of("X", "a"),
                List.of(Set.of("X", "Y")), Map.of()), design);
        assertEquals(design, design.toBuilder().build());
    }

    @Test
    void rejectsInvalidOptions() {
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().minItems(0).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().minItems(13).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().standardErrorStop(-1).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().priorSd(0).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().quadrature(-4, 4, 1).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().scoreSd(-10).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().randomesque(0).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().selection(null).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().estimator(null).build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().firstItemId(" ").build());
        assertThrows(IllegalArgumentException.class, () -> CatDesign.builder().startTheta(Double.NaN).build());
    }
}
