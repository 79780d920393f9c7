package fi.vointi.analytics;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one final feedback response contributes to the reports.
 *
 * @param recommendation 0..10, or null when not answered
 * @param statements     statement linkId → answer 1..5 (national-model and the unit's own statements)
 * @param cantSay        linkIds of the statements answered "can't say" (in no mean, counted on their own)
 * @param openText       the open-text answers joined by blank lines, or null
 */
public record FeedbackFact(String responseId, String unitId, LocalDate localDate, String audience, String channel,
                           String questionnaireUrl, Integer recommendation, Map<String, Integer> statements,
                           Set<String> cantSay, String openText) {
    /** The value of a "can't say" answer in {@code feedback_fact.statement_answers}. */
    static final String CANT_SAY = "cant-say";

    /** The statements as stored in {@code feedback_fact.statement_answers}: linkId=value pairs joined by ';'. */
    public String statementAnswers() {
        StringBuilder text = new StringBuilder();
        statements.forEach((linkId, value) -> append(text, linkId, value.toString()));
        cantSay.forEach(linkId -> append(text, linkId, CANT_SAY));
        return text.toString();
    }

    private static void append(StringBuilder text, String linkId, String value) {
        if (text.length() > 0) {
            text.append(';');
        }
        text.append(linkId).append('=').append(value);
    }

    /** The answers of {@code feedback_fact.statement_answers}: 1..5 by linkId, and the linkIds answered "can't say". */
    public record StatementAnswers(Map<String, Integer> values, Set<String> cantSay) {
    }

    public static StatementAnswers parseStatementAnswers(String text) {
        Map<String, Integer> statements = new LinkedHashMap<>();
        Set<String> cantSay = new LinkedHashSet<>();
        if (text == null || text.isEmpty()) {
            return new StatementAnswers(statements, cantSay);
        }
        for (String pair : text.split(";")) {
            int eq = pair.lastIndexOf('=');
            String value = pair.substring(eq + 1);
            if (CANT_SAY.equals(value)) {
                cantSay.add(pair.substring(0, eq));
            } else {
                statements.put(pair.substring(0, eq), Integer.parseInt(value));
            }
        }
        return new StatementAnswers(statements, cantSay);
    }
}
