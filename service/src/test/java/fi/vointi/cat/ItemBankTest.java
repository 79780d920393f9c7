package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemBankTest {

    private final IrtItem a = new TwoPlItem("a", 1.0, 0.0);
    private final IrtItem b = new GradedResponseItem("b", 1.5, -1.0, 0.0, 1.0);
    private final IrtItem c = new GeneralizedPartialCreditItem("c", 1.0, 0.0);

    @Test
    void looksUpByIdAndKeepsOrder() {
        ItemBank bank = ItemBank.of(a, b, c);
        assertEquals(3, bank.size());
        assertEquals(1, bank.indexOf("b"));
        assertEquals(-1, bank.indexOf("zzz"));
        assertEquals(b, bank.get("b"));
        assertTrue(bank.find("zzz").isEmpty());
        assertEquals(List.of(a, b, c), bank.items());
        assertEquals(4, bank.maxCategories());
        assertEquals(List.of(a, c), bank.subset(List.of("c", "a")).items());
    }

    @Test
    void rejectsDuplicatesEmptyAndUnknownIds() {
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> ItemBank.of(a, b, new TwoPlItem("a", 2.0, 1.0)));
        assertTrue(duplicate.getMessage().contains("duplicate item id 'a'"));
        assertThrows(IllegalArgumentException.class, () -> new ItemBank(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ItemBank.of(a).get("b"));
        assertThrows(IllegalArgumentException.class, () -> ItemBank.of(a, b).subset(List.of("a", "a")));
        assertThrows(UnsupportedOperationException.class, () -> ItemBank.of(a).items().add(b));
    }

    @Test
    void tablesHoldLogProbabilitiesAndInformationAtGridPoints() {
        ItemBank bank = ItemBank.of(a, b, c);
        QuadratureGrid grid = new QuadratureGrid(-3, 3, 13);
        BankTables tables = BankTables.build(bank, grid);
        double[] p = new double[4];
        for (int i = 0; i < bank.size(); i++) {
            for (int q = 0; q < grid.points(); q++) {
                bank.item(i).probabilities(grid.node(q), p);
                for (int k = 0; k < bank.item(i).categories(); k++) {
                    assertEquals(Math.log(p[k]), tables.logProbability(i, k, q), 1e-13);
                }
                assertEquals(bank.item(i).information(grid.node(q)), tables.information(i, q), 0.0);
            }
        }
    }

    @Test
    void gridAndPriorValidateAndComputeNodes() {
        QuadratureGrid grid = new QuadratureGrid(-2, 2, 5);
        assertEquals(List.of(-2.0, -1.0, 0.0, 1.0, 2.0), java.util.Arrays.stream(grid.nodes()).boxed().toList());
        assertEquals(81, QuadratureGrid.DEFAULT.points());
        assertEquals(4.0, QuadratureGrid.DEFAULT.node(80), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new QuadratureGrid(1, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new QuadratureGrid(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new NormalPrior(0, 0));
        assertEquals(-0.5, new NormalPrior(1, 2).logDensity(3), 1e-15);
    }
}
