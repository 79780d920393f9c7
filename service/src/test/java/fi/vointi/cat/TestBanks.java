package fi.vointi.cat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic, seeded item banks for tests (parameters in PROMIS-like ranges). */
final class TestBanks {

    private TestBanks() {
    }

    /** {@code size} five-category GRM items, slopes 1.2..3.2, thresholds spread over about -2.5..2.5. */
    static ItemBank gradedBank(int size, long seed) {
        Random random = new Random(seed);
        List<IrtItem> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            double slope = 1.2 + 2.0 * random.nextDouble();
            double location = -1.5 + 3.0 * random.nextDouble();
            double[] thresholds = new double[4];
            double b = location - 1.5;
            for (int k = 0; k < 4; k++) {
                thresholds[k] = b;
                b += 0.5 + 0.8 * random.nextDouble();
            }
            items.add(new GradedResponseItem(String.format("G%03d", i + 1), slope, thresholds));
        }
        return new ItemBank(items);
    }

    /** A mix of GRM, GPCM and 2PL items with varying category counts. */
    static List<IrtItem> mixedItems(int size, long seed) {
        Random random = new Random(seed);
        List<IrtItem> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            double slope = 0.6 + 2.6 * random.nextDouble();
            int categories = 2 + random.nextInt(5);
            switch (i % 3) {
                case 0 -> {
                    double[] thresholds = new double[categories - 1];
                    double b = -2.5 + 2.0 * random.nextDouble();
                    for (int k = 0; k < thresholds.length; k++) {
                        thresholds[k] = b;
                        b += 0.2 + 1.2 * random.nextDouble();
                    }
                    items.add(new GradedResponseItem("GRM" + i, slope, thresholds));
                }
                case 1 -> {
                    double[] steps = new double[categories - 1];
                    for (int k = 0; k < steps.length; k++) {
                        steps[k] = -2.5 + 5.0 * random.nextDouble(); // deliberately unordered
                    }
                    items.add(new GeneralizedPartialCreditItem("GPCM" + i, slope, steps));
                }
                default -> items.add(new TwoPlItem("2PL" + i, slope, -2.5 + 5.0 * random.nextDouble()));
            }
        }
        return items;
    }
}
