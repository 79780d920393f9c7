package fi.vointi.organization;

import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * FHIR string search over every language variant of a name (the value plus its standard {@code translation}
 * extensions) in SQL. The searchable column holds one line per variant, {@code "\nf:"} + folded text (lower case,
 * accents removed) and {@code "\nx:"} + the text as written, so that prefix, {@code :contains} and {@code :exact}
 * are plain {@code LIKE} patterns with bound values.
 */
final class NameSearch {
    static final String TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation";

    private NameSearch() {
    }

    /** The name in every language it carries, the base language first. */
    static List<String> variants(StringType name) {
        Set<String> variants = new LinkedHashSet<>();
        if (name.hasValue()) {
            variants.add(name.getValue());
        }
        for (Extension translation : name.getExtensionsByUrl(TRANSLATION)) {
            String content = translation.getExtensionString("content");
            if (content != null && !content.isBlank()) {
                variants.add(content);
            }
        }
        return new ArrayList<>(variants);
    }

    /** The value of the searchable column. */
    static String column(List<String> variants) {
        StringBuilder text = new StringBuilder();
        variants.forEach(v -> text.append("\nf:").append(fold(v)));
        variants.forEach(v -> text.append("\nx:").append(v));
        return text.append('\n').toString();
    }

    /** A LIKE pattern (escape character backslash) for {@code name}, {@code name:exact} or {@code name:contains}. */
    static String pattern(String modifier, String value) {
        return switch (modifier) {
            case ":exact" -> "%\nx:" + escape(value) + "\n%";
            case ":contains" -> "%" + escape(fold(value)) + "%";
            default -> "%\nf:" + escape(fold(value)) + "%";
        };
    }

    static String fold(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return decomposed.toLowerCase(Locale.ROOT);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
