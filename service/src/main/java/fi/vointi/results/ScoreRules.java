package fi.vointi.results;

import fi.vointi.scoring.Band;
import fi.vointi.scoring.ItemScale;
import fi.vointi.scoring.LookupRow;
import fi.vointi.scoring.ScoringMethod;
import fi.vointi.scoring.ScoringRule;
import fi.vointi.scoring.ScoringRules;
import fi.vointi.web.Languages;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Questionnaire;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * What the results pages need from a questionnaire's scoring rules: the score's name and band names in the page
 * language (the standard translation extension on the rule's {@code display} parts), its bands and its possible range.
 */
final class ScoreRules {
    private static final String RULE = "https://vointi.fi/fhir/StructureDefinition/scoring-rule";

    private ScoreRules() {
    }

    /** A translated text and the language it is actually in. */
    record Text(String text, String lang) {
        static Text of(PrimitiveType<?> element, String lang, String fallback) {
            if (element == null || !element.hasValue()) {
                return new Text(fallback, "fi");
            }
            return new Text(Languages.text(element, lang), Languages.languageOf(element, lang));
        }
    }

    static Optional<ScoringRule> rule(Questionnaire questionnaire, String scoreCode) {
        if (!ScoringRules.hasRules(questionnaire)) {
            return Optional.empty();
        }
        try {
            return ScoringRules.read(questionnaire).stream().filter(r -> r.code().equals(scoreCode)).findFirst();
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the catalog refuses such rules at start-up; nothing to explain then
        }
    }

    /** The score's display in the page language. */
    static Text scoreName(Questionnaire questionnaire, String scoreCode, String lang, String fallback) {
        Extension rule = ruleExtension(questionnaire, scoreCode);
        return Text.of(rule == null ? null : part(rule, "display"), lang, fallback);
    }

    /** A band's display in the page language. */
    static Text bandName(Questionnaire questionnaire, String scoreCode, String bandCode, String lang, String fallback) {
        Extension rule = ruleExtension(questionnaire, scoreCode);
        if (rule != null) {
            for (Extension band : rule.getExtensionsByUrl("band")) {
                PrimitiveType<?> code = part(band, "code");
                if (code != null && bandCode.equals(code.getValueAsString())) {
                    return Text.of(part(band, "display"), lang, fallback);
                }
            }
        }
        return new Text(fallback, "fi");
    }

    /** The lowest and highest value the score can take, when the rule says (sum, mean, lookup); else null. */
    static BigDecimal[] range(ScoringRule rule) {
        if (!rule.lookup().isEmpty()) {
            List<BigDecimal> values = rule.lookup().stream().map(LookupRow::value).toList();
            return new BigDecimal[]{values.stream().min(BigDecimal::compareTo).orElseThrow(),
                    values.stream().max(BigDecimal::compareTo).orElseThrow()};
        }
        if (rule.method() == ScoringMethod.SUM) {
            return new BigDecimal[]{rule.items().stream().map(ItemScale::min).reduce(BigDecimal.ZERO, BigDecimal::add),
                    rule.items().stream().map(ItemScale::max).reduce(BigDecimal.ZERO, BigDecimal::add)};
        }
        if (rule.method() == ScoringMethod.MEAN) {
            return new BigDecimal[]{rule.items().stream().map(ItemScale::min).min(BigDecimal::compareTo).orElseThrow(),
                    rule.items().stream().map(ItemScale::max).max(BigDecimal::compareTo).orElseThrow()};
        }
        return null;
    }

    static List<Band> bands(ScoringRule rule) {
        return rule.bands();
    }

    private static Extension ruleExtension(Questionnaire questionnaire, String scoreCode) {
        for (Extension rule : questionnaire.getExtensionsByUrl(RULE)) {
            PrimitiveType<?> code = part(rule, "code");
            if (code != null && scoreCode.equals(code.getValueAsString())) {
                return rule;
            }
        }
        return null;
    }

    private static PrimitiveType<?> part(Extension extension, String url) {
        Extension part = extension.getExtensionByUrl(url);
        return part != null && part.getValue() instanceof PrimitiveType<?> p ? p : null;
    }
}
