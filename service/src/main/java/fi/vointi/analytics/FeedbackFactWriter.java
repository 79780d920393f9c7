package fi.vointi.analytics;

import fi.vointi.fhir.FhirException;
import fi.vointi.responses.ResponseWrite;
import fi.vointi.responses.ResponseWriteListener;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps the feedback facts and daily rollups in step with the stored responses, inside the transaction
 * that stores each version: a final (completed or amended) version of a response to a feedback survey
 * adds its fact row and increments the rollups; any later version first retracts what the previous one
 * added (an amendment, or entered-in-error). Responses without a service unit count nowhere.
 *
 * <p>Rollup rows are changed by {@code INSERT … ON CONFLICT DO NOTHING} (the row exists afterwards, whoever
 * inserted it) followed by {@code UPDATE … SET x = x + ?}: the update takes the row lock and adds to the
 * latest committed value, so concurrent writers on H2 and PostgreSQL never lose an increment. Rows are
 * always touched in the same order (daily, then monthly; within each: totals, statements by id, channel) so two writers do not deadlock.
 * A statement answered "can't say" adds to its row's {@code cant_say} only, never to {@code n} or the 1..5 counts.
 */
@Singleton
public class FeedbackFactWriter implements ResponseWriteListener {
    private final JdbcOperations jdbc;

    public FeedbackFactWriter(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void written(ResponseWrite write) {
        Optional<String> audience = FeedbackSurvey.audience(write.questionnaire());
        if (audience.isEmpty()) {
            return;
        }
        String responseId = write.response().getIdElement().getIdPart();
        if (write.previousStatus() != null) {
            stored(responseId).ifPresent(old -> {
                apply(old, -1);
                jdbc.prepareStatement("DELETE FROM feedback_fact WHERE response_id = ?", s -> {
                    s.setString(1, responseId);
                    return s.executeUpdate();
                });
            });
        }
        if (write.isFinal()) {
            FeedbackSurvey.facts(write.questionnaire(), audience.get(), write.response()).ifPresent(fact -> {
                check(fact);
                insert(fact);
                apply(fact, +1);
            });
        }
    }

    /** A response the rollups cannot hold is refused with a 422 rather than failing the write with a 500. */
    private static void check(FeedbackFact fact) {
        if (!FeedbackSurvey.CHANNELS.contains(fact.channel())) {
            throw FhirException.unprocessable(IssueType.VALUE, "The feedback-channel extension must be one of "
                    + String.join(", ", new TreeSet<>(FeedbackSurvey.CHANNELS)) + ", not '" + fact.channel() + "'");
        }
        if (fact.unitId().length() > 64) {
            throw FhirException.unprocessable(IssueType.VALUE, "The service-unit extension must reference Organization/<id>"
                    + " with an id of at most 64 characters");
        }
    }

    private void insert(FeedbackFact fact) {
        jdbc.prepareStatement("INSERT INTO feedback_fact (response_id, unit_id, local_date, audience, channel,"
                + " questionnaire_url, recommendation, statement_answers, open_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, fact.responseId());
            s.setString(2, fact.unitId());
            s.setDate(3, Date.valueOf(fact.localDate()));
            s.setString(4, fact.audience());
            s.setString(5, fact.channel());
            s.setString(6, fact.questionnaireUrl());
            if (fact.recommendation() == null) {
                s.setNull(7, Types.SMALLINT);
            } else {
                s.setShort(7, fact.recommendation().shortValue());
            }
            s.setString(8, fact.statementAnswers());
            s.setString(9, fact.openText());
            return s.executeUpdate();
        });
    }

    private Optional<FeedbackFact> stored(String responseId) {
        return jdbc.prepareStatement("SELECT unit_id, local_date, audience, channel, questionnaire_url, recommendation,"
                + " statement_answers, open_text FROM feedback_fact WHERE response_id = ?", s -> {
            s.setString(1, responseId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int recommendation = rs.getInt(6);
                Integer rec = rs.wasNull() ? null : recommendation;
                FeedbackFact.StatementAnswers statements = FeedbackFact.parseStatementAnswers(rs.getString(7));
                return Optional.of(new FeedbackFact(responseId, rs.getString(1), rs.getDate(2).toLocalDate(),
                        rs.getString(3), rs.getString(4), rs.getString(5), rec, statements.values(), statements.cantSay(),
                        rs.getString(8)));
            }
        });
    }

    /** Adds ({@code sign} +1) or removes (−1) one response's contribution to the daily and monthly rollups. */
    private void apply(FeedbackFact fact, int sign) {
        apply(fact, sign, "daily", Date.valueOf(fact.localDate()));
        apply(fact, sign, "monthly", Date.valueOf(fact.localDate().withDayOfMonth(1)));
    }

    private void apply(FeedbackFact fact, int sign, String grain, Date day) {
        int promoter = 0;
        int passive = 0;
        int detractor = 0;
        if (fact.recommendation() != null) {
            switch (NetPromoterScore.categorise(fact.recommendation())) {
                case PROMOTER -> promoter = 1;
                case PASSIVE -> passive = 1;
                case DETRACTOR -> detractor = 1;
            }
        }
        int npsN = fact.recommendation() == null ? 0 : 1;
        upsert("INSERT INTO feedback_" + grain + " (unit_id, local_date, audience, responses, nps_n, promoters, passives, detractors)"
                        + " VALUES (?, ?, ?, 0, 0, 0, 0, 0) ON CONFLICT DO NOTHING",
                "UPDATE feedback_" + grain + " SET responses = responses + ?, nps_n = nps_n + ?, promoters = promoters + ?,"
                        + " passives = passives + ?, detractors = detractors + ? WHERE unit_id = ? AND local_date = ? AND audience = ?",
                new Object[]{fact.unitId(), day, fact.audience()},
                new Object[]{sign, sign * npsN, sign * promoter, sign * passive, sign * detractor});
        // by statement id, "can't say" answers included, so that writers lock rows in one order
        Set<String> statementIds = new TreeSet<>(fact.statements().keySet());
        statementIds.addAll(fact.cantSay());
        for (String statementId : statementIds) {
            Integer value = fact.statements().get(statementId);
            int[] c = new int[5];
            int cantSay = 0;
            if (value != null) {
                c[value - 1] = sign;
            } else {
                cantSay = sign; // stored and counted on its own, never in n, the 1..5 counts or a mean
            }
            upsert("INSERT INTO feedback_statement_" + grain + " (unit_id, local_date, audience, statement_id, n, c1, c2, c3, c4, c5,"
                            + " cant_say) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT DO NOTHING",
                    "UPDATE feedback_statement_" + grain + " SET n = n + ?, c1 = c1 + ?, c2 = c2 + ?, c3 = c3 + ?, c4 = c4 + ?,"
                            + " c5 = c5 + ?, cant_say = cant_say + ? WHERE unit_id = ? AND local_date = ? AND audience = ?"
                            + " AND statement_id = ?",
                    new Object[]{fact.unitId(), day, fact.audience(), statementId},
                    new Object[]{value == null ? 0 : sign, c[0], c[1], c[2], c[3], c[4], cantSay});
        }
        upsert("INSERT INTO feedback_channel_" + grain + " (unit_id, local_date, audience, channel, responses)"
                        + " VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING",
                "UPDATE feedback_channel_" + grain + " SET responses = responses + ?"
                        + " WHERE unit_id = ? AND local_date = ? AND audience = ? AND channel = ?",
                new Object[]{fact.unitId(), day, fact.audience(), fact.channel()}, new Object[]{sign});
    }

    private void upsert(String insert, String update, Object[] key, Object[] increments) {
        jdbc.prepareStatement(insert, s -> {
            bind(s, 1, key);
            return s.executeUpdate();
        });
        jdbc.prepareStatement(update, s -> {
            bind(s, 1, increments);
            bind(s, 1 + increments.length, key);
            return s.executeUpdate();
        });
    }

    private static void bind(java.sql.PreparedStatement s, int first, Object[] values) throws java.sql.SQLException {
        for (int i = 0; i < values.length; i++) {
            s.setObject(first + i, values[i]);
        }
    }
}
