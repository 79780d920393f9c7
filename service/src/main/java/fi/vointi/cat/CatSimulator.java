package fi.vointi.cat;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Monte Carlo evaluation of a CAT design on a bank. Each simulated person answers every bank item once
 * (responses drawn from the item models at the true theta); the CAT, run through {@link CatEngine}
 * exactly as in production, sees only the items it selects, and the same answers to all items give the
 * full-bank EAP it is compared with.
 *
 * <p>Deterministic for a seed: every person's responses come from a generator seeded by (seed, person
 * number), and the person number is passed to the engine as the randomesque session salt.
 */
public final class CatSimulator {

    private final CatEngine engine;

    public CatSimulator(ItemBank bank, CatDesign design) {
        this(new CatEngine(bank, design));
    }

    public CatSimulator(CatEngine engine) {
        if (engine == null) {
            throw new IllegalArgumentException("engine is required");
        }
        this.engine = engine;
    }

    /** Simulates {@code respondents} people with true thetas drawn from N(0, 1). */
    public SimulationReport simulateStandardNormal(int respondents, long seed) {
        return simulateNormal(respondents, 0.0, 1.0, seed);
    }

    /**
     * Simulates {@code respondents} people with true thetas drawn from the design's prior N(priorMean, priorSd^2): the
     * population the design assumes, so exposure and length figures describe that population.
     */
    public SimulationReport simulateFromPrior(int respondents, long seed) {
        NormalPrior prior = engine.design().prior();
        return simulateNormal(respondents, prior.mean(), prior.sd(), seed);
    }

    /** Simulates {@code respondents} people with true thetas drawn from N(mean, sd^2). */
    public SimulationReport simulateNormal(int respondents, double mean, double sd, long seed) {
        if (respondents < 1) {
            throw new IllegalArgumentException("need at least one respondent, was " + respondents);
        }
        // Inverse-CDF draws keep the sequence defined by SplitMix64 alone, independent of JDK internals.
        NormalDistribution standardNormal = new NormalDistribution(null, 0.0, 1.0);
        SplitMix64 random = new SplitMix64(SplitMix64.mix(seed ^ 0x5DEECE66DL));
        double[] thetas = new double[respondents];
        for (int p = 0; p < respondents; p++) {
            double u;
            do {
                u = random.nextDouble();
            } while (u == 0.0);
            thetas[p] = mean + sd * standardNormal.inverseCumulativeProbability(u);
        }
        return simulate(thetas, seed);
    }

    /** Simulates one person per entry of {@code trueThetas} (repeat a value for replications). */
    public SimulationReport simulate(double[] trueThetas, long seed) {
        if (trueThetas == null || trueThetas.length == 0) {
            throw new IllegalArgumentException("need at least one true theta");
        }
        ItemBank bank = engine.bank();
        BankTables tables = engine.tables();
        NormalPrior prior = engine.design().prior();
        double[] probabilities = new double[bank.maxCategories()];
        int[] responses = new int[bank.size()];
        List<SimulatedRespondent> rows = new ArrayList<>(trueThetas.length);
        long[] itemCounts = new long[bank.size()];

        for (int p = 0; p < trueThetas.length; p++) {
            double trueTheta = trueThetas[p];
            if (!Double.isFinite(trueTheta)) {
                throw new IllegalArgumentException("true theta must be finite, was " + trueTheta);
            }
            SplitMix64 random = new SplitMix64(SplitMix64.mix(seed) ^ SplitMix64.mix(p + 1L));
            Posterior fullBank = new Posterior(tables, prior);
            for (int i = 0; i < bank.size(); i++) {
                responses[i] = draw(bank.item(i), trueTheta, random.nextDouble(), probabilities);
                fullBank.update(i, responses[i]);
            }
            Estimate full = fullBank.eap();

            List<Answer> answers = new ArrayList<>();
            CatStep step = engine.next(answers, p);
            while (!step.finished()) {
                int index = bank.indexOf(step.nextItemId());
                itemCounts[index]++;
                answers.add(new Answer(step.nextItemId(), responses[index]));
                step = engine.next(answers, p);
            }
            rows.add(new SimulatedRespondent(trueTheta, step.estimate().theta(), step.estimate().standardError(),
                    full.theta(), full.standardError(), step.itemsAdministered(), step.stopReason(),
                    answers.stream().map(Answer::itemId).toList()));
        }
        return summarise(bank, rows, itemCounts);
    }

    /** Category whose cumulative probability first exceeds u (inverse-CDF sampling); also the JMH benchmarks' respondent. */
    static int draw(IrtItem item, double theta, double u, double[] probabilities) {
        item.probabilities(theta, probabilities);
        double cumulative = 0.0;
        int last = item.categories() - 1;
        for (int k = 0; k < last; k++) {
            cumulative += probabilities[k];
            if (u < cumulative) {
                return k;
            }
        }
        return last;
    }

    /**
     * Sympson-Hetter exposure parameters for a cap {@code maxRate} (Sympson &amp; Hetter 1985): starting from K = 1,
     * simulate {@code respondents} from the design's prior and lower the parameter of every item asked more often than
     * the cap, K = K x maxRate / P(A); repeat until no item exceeds the cap, at most {@code iterations} times. The
     * classic update K = min(1, maxRate / P(S)) also raises parameters again and oscillates for many rounds (items
     * take turns at being over-exposed); parameters that only decrease settle in a few rounds at the price of
     * restricting some items a little more than needed. Each round draws new simulees. Items whose parameter is 1 are
     * left out.
     *
     * @return exposure parameters by item id, for the design's {@code exposureParameters}
     */
    public static Map<String, Double> sympsonHetter(ItemBank bank, CatDesign design, double maxRate, int respondents,
                                                    int iterations, long seed) {
        if (!(maxRate > 0 && maxRate < 1)) {
            throw new IllegalArgumentException("the exposure cap must be between 0 and 1 (exclusive), was " + maxRate);
        }
        if (design.randomesque() > 1) {
            throw new IllegalArgumentException("Sympson-Hetter replaces randomesque; use a design with randomesque 1");
        }
        BankTables tables = BankTables.build(bank, design.grid());
        double[] k = new double[bank.size()];
        java.util.Arrays.fill(k, 1.0);
        Map<String, Double> parameters = Map.of();
        for (int round = 0; round < iterations; round++) {
            CatEngine engine = new CatEngine(tables, design.toBuilder().exposureParameters(parameters).build());
            ExposureSummary exposure = new CatSimulator(engine).simulateFromPrior(respondents, seed + round).exposure();
            if (exposure.maxExposureRate() <= maxRate) {
                break;
            }
            Map<String, Double> next = new LinkedHashMap<>();
            for (int i = 0; i < bank.size(); i++) {
                double administered = exposure.exposureRates().get(bank.item(i).id());
                if (administered > maxRate) {
                    k[i] *= maxRate / administered;
                }
                if (k[i] < 1.0) {
                    next.put(bank.item(i).id(), k[i]);
                }
            }
            parameters = next;
        }
        return parameters;
    }

    private static SimulationReport summarise(ItemBank bank, List<SimulatedRespondent> rows, long[] itemCounts) {
        int n = rows.size();
        double length = 0.0;
        double error = 0.0;
        double squared = 0.0;
        double[] cat = new double[n];
        double[] full = new double[n];
        Map<StopReason, Integer> reasons = new EnumMap<>(StopReason.class);
        Map<Double, List<SimulatedRespondent>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            SimulatedRespondent row = rows.get(i);
            double e = row.catTheta() - row.trueTheta();
            length += row.itemsAdministered();
            error += e;
            squared += e * e;
            cat[i] = row.catTheta();
            full[i] = row.fullBankTheta();
            reasons.merge(row.stopReason(), 1, Integer::sum);
            groups.computeIfAbsent(row.trueTheta(), key -> new ArrayList<>()).add(row);
        }
        List<ConditionalSummary> conditional = new ArrayList<>(groups.size());
        for (Map.Entry<Double, List<SimulatedRespondent>> group : groups.entrySet()) {
            List<SimulatedRespondent> members = group.getValue();
            double groupLength = 0.0;
            double groupError = 0.0;
            double groupSquared = 0.0;
            double groupSe = 0.0;
            for (SimulatedRespondent row : members) {
                double e = row.catTheta() - row.trueTheta();
                groupLength += row.itemsAdministered();
                groupError += e;
                groupSquared += e * e;
                groupSe += row.catStandardError();
            }
            int m = members.size();
            conditional.add(new ConditionalSummary(group.getKey(), m, groupLength / m, groupError / m,
                    Math.sqrt(groupSquared / m), groupSe / m));
        }
        return new SimulationReport(n, length / n, error / n, Math.sqrt(squared / n), correlation(cat, full),
                reasons, conditional, rows, ExposureSummary.of(bank, itemCounts, n, length / n));
    }

    private static double correlation(double[] x, double[] y) {
        if (x.length < 2 || hasNoVariance(x) || hasNoVariance(y)) {
            return Double.NaN;
        }
        return new PearsonsCorrelation().correlation(x, y);
    }

    private static boolean hasNoVariance(double[] values) {
        for (double value : values) {
            if (value != values[0]) {
                return false;
            }
        }
        return true;
    }
}
