package fi.vointi.analytics;

import java.time.LocalDate;
import java.util.Map;

/**
 * What one final feedback response contributes to the reports.
 *
 * @param recommendation 0..10, or null when not answered
 * @param statements     statement linkId → answer 1..5 (national-model and the unit's own statements)
 * @param openText       the open-text answers joined by blank lines, or null
 */
public record FeedbackFact(String responseId, String unitId, LocalDate localDate, String audience, String channel,
                           String questionnaireUrl, Integer recommendation, Map<String, Integer> statements,
                           String openText) {

    /** The statements as stored in {@code feedback_fact.statement_answers}: linkId=value pairs joined by ';'. */
    public String statementAnswers() {
        StringBuilder text = new StringBuilder();
        statements.forEach((linkId, value) -> {
            if (text.length() > 0) {
                text.append(';');
            }
            text.append(linkId).append('=').append(value);
        });
        return text.toString();
    }

    public static Map<String, Integer> parseStatementAnswers(String text) {
        Map<String, Integer> statements = new java.util.LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return statements;
        }
        for (String pair : text.split(";")) {
            int eq = pair.lastIndexOf('=');
            statements.put(pair.substring(0, eq), Integer.parseInt(pair.substring(eq + 1)));
        }
        return statements;
    }
}
