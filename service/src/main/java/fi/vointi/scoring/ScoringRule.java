package fi.vointi.scoring;

import fi.vointi.cat.IrtItem;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One declared score of a questionnaire (a total or a domain). The constructor refuses inconsistent
 * rules with an {@link IllegalArgumentException} naming the score and the problem; the checks that need
 * the Questionnaire itself (unknown linkIds, items without values) are made by {@link ScoringRules#read}.
 *
 * @param code        unique within the questionnaire
 * @param display     human-readable name
 * @param method      sum, mean or irt-sum
 * @param items       the score's items with their possible values, in rule order, no repeats
 * @param reverse     linkIds among {@code items} that are reverse-scored (max + min - value)
 * @param minAnswered score only when at least this many items are answered (1..items); defaults to all
 * @param unit        UCUM unit of the value, e.g. {@code {score}} or {@code {T-score}}
 * @param lookup      raw sum to reported value (and SE), empty for none; sum scores only
 * @param bands       interpretation bands, ascending and not overlapping, empty for none
 * @param irt         the item bank's IRT model, for irt-sum only (null otherwise)
 */
public record ScoringRule(String code, String display, ScoringMethod method, List<ItemScale> items, Set<String> reverse,
                          int minAnswered, String unit, List<LookupRow> lookup, List<Band> bands, IrtScoring irt) {

    public static final String DEFAULT_UNIT = "{score}";

    public ScoringRule {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("a score needs a code");
        }
        String where = "score '" + code + "'";
        if (display == null || display.isBlank()) {
            throw new IllegalArgumentException(where + " needs a display");
        }
        if (method == null) {
            throw new IllegalArgumentException(where + " needs a method (sum, mean or irt-sum)");
        }
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException(where + " has no items");
        }
        Set<String> linkIds = new HashSet<>();
        for (ItemScale item : items) {
            if (!linkIds.add(item.linkId())) {
                throw new IllegalArgumentException(where + " lists item '" + item.linkId() + "' twice");
            }
        }
        items = List.copyOf(items);
        reverse = reverse == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(reverse));
        for (String linkId : reverse) {
            if (!linkIds.contains(linkId)) {
                throw new IllegalArgumentException(where + ": reverse-scored item '" + linkId
                        + "' is not one of the score's items");
            }
        }
        if (minAnswered < 1 || minAnswered > items.size()) {
            throw new IllegalArgumentException(where + ": minAnswered must be between 1 and the number of items ("
                    + items.size() + "), was " + minAnswered);
        }
        unit = unit == null || unit.isBlank() ? DEFAULT_UNIT : unit;
        lookup = lookup == null ? List.of() : List.copyOf(lookup);
        bands = bands == null ? List.of() : List.copyOf(bands);
        checkMethod(where, method, items, reverse, lookup, irt);
        if (!lookup.isEmpty()) {
            lookup = checkLookup(where, items, lookup);
        }
        checkBands(where, bands);
    }

    /** A plain sum or mean score without lookup table, bands or prorating. */
    public static ScoringRule simple(String code, String display, ScoringMethod method, List<ItemScale> items) {
        return new ScoringRule(code, display, method, items, Set.of(), items.size(), DEFAULT_UNIT, List.of(), List.of(),
                null);
    }

    /** Refuses a list of rules that repeats a score code. */
    public static List<ScoringRule> checkUnique(List<ScoringRule> rules) {
        Set<String> codes = new HashSet<>();
        for (ScoringRule rule : rules) {
            if (!codes.add(rule.code())) {
                throw new IllegalArgumentException("score code '" + rule.code() + "' is used by more than one score");
            }
        }
        return List.copyOf(rules);
    }

    /** Lowest possible raw sum (sum of the items' lowest values). */
    public BigDecimal minRawSum() {
        return items.stream().map(ItemScale::min).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Highest possible raw sum. */
    public BigDecimal maxRawSum() {
        return items.stream().map(ItemScale::max).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public List<String> linkIds() {
        return items.stream().map(ItemScale::linkId).toList();
    }

    private static void checkMethod(String where, ScoringMethod method, List<ItemScale> items, Set<String> reverse,
                                    List<LookupRow> lookup, IrtScoring irt) {
        if (method != ScoringMethod.IRT_SUM) {
            if (irt != null) {
                throw new IllegalArgumentException(where + ": IRT parameters belong only to an irt-sum score");
            }
            if (method == ScoringMethod.MEAN && !lookup.isEmpty()) {
                throw new IllegalArgumentException(where + ": a lookup table needs a sum score (raw sums are looked up),"
                        + " not a mean");
            }
            return;
        }
        if (irt == null) {
            throw new IllegalArgumentException(where + ": an irt-sum score needs an item bank with IRT parameters"
                    + " (cat-design and irt-item)");
        }
        if (!reverse.isEmpty()) {
            throw new IllegalArgumentException(where + ": an irt-sum score cannot reverse items; the ordinalValues of"
                    + " the bank's options give each item's direction");
        }
        if (!lookup.isEmpty()) {
            throw new IllegalArgumentException(where + ": an irt-sum score cannot have a lookup table; its table is"
                    + " computed from the item parameters");
        }
        for (ItemScale item : items) {
            int index = irt.items().indexOf(item.linkId());
            if (index < 0) {
                throw new IllegalArgumentException(where + ": item '" + item.linkId() + "' has no IRT parameters");
            }
            IrtItem model = irt.items().item(index);
            if (model.categories() != item.values().size()) {
                throw new IllegalArgumentException(where + ": item '" + item.linkId() + "' has " + item.values().size()
                        + " answer values but its IRT model has " + model.categories() + " categories");
            }
        }
        if (irt.items().size() != items.size()) {
            throw new IllegalArgumentException(where + ": the IRT items must be exactly the score's items");
        }
    }

    /** Every whole raw sum from the lowest to the highest possible must have exactly one row; rows sorted by raw. */
    private static List<LookupRow> checkLookup(String where, List<ItemScale> items, List<LookupRow> lookup) {
        for (ItemScale item : items) {
            if (!item.integral()) {
                throw new IllegalArgumentException(where + ": a lookup table needs whole-number item values, but item '"
                        + item.linkId() + "' has " + item.values().stream().map(BigDecimal::toPlainString).toList());
            }
        }
        int min = items.stream().map(ItemScale::min).reduce(BigDecimal.ZERO, BigDecimal::add).intValueExact();
        int max = items.stream().map(ItemScale::max).reduce(BigDecimal.ZERO, BigDecimal::add).intValueExact();
        Map<Integer, LookupRow> byRaw = new TreeMap<>();
        for (LookupRow row : lookup) {
            if (row.raw() < min || row.raw() > max) {
                throw new IllegalArgumentException(where + ": lookup row for raw " + row.raw()
                        + " is outside the possible raw sums " + min + ".." + max);
            }
            if (byRaw.put(row.raw(), row) != null) {
                throw new IllegalArgumentException(where + ": lookup gives raw " + row.raw() + " twice");
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int raw = min; raw <= max; raw++) {
            if (!byRaw.containsKey(raw)) {
                missing.add(raw);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(where + ": lookup table has gaps: no row for raw " + missing
                    + " (it needs every raw sum " + min + ".." + max + ")");
        }
        boolean anyError = lookup.stream().anyMatch(r -> r.standardError() != null);
        boolean allError = lookup.stream().allMatch(r -> r.standardError() != null);
        if (anyError && !allError) {
            throw new IllegalArgumentException(where + ": lookup gives a standardError on some rows only; give it on"
                    + " every row or none");
        }
        List<LookupRow> sorted = new ArrayList<>(byRaw.values());
        sorted.sort(Comparator.comparingInt(LookupRow::raw));
        return List.copyOf(sorted);
    }

    private static void checkBands(String where, List<Band> bands) {
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < bands.size(); i++) {
            Band band = bands.get(i);
            if (!codes.add(band.code())) {
                throw new IllegalArgumentException(where + ": band code '" + band.code() + "' is used twice");
            }
            if (i > 0) {
                Band previous = bands.get(i - 1);
                if (band.low().compareTo(previous.high()) <= 0) {
                    throw new IllegalArgumentException(where + ": band '" + band.code() + "' (" + band.low().toPlainString()
                            + ".." + band.high().toPlainString() + ") overlaps or comes before band '" + previous.code()
                            + "' (" + previous.low().toPlainString() + ".." + previous.high().toPlainString()
                            + "); bands must be listed in ascending order without overlap");
                }
            }
        }
    }
}
