package fi.vointi.usage;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.analytics.AnalyticsConfig;
import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.CellSuppression;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.feedback.UsabilityCheck;
import fi.vointi.fhir.FhirJson;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the facts of PROM usage for a unit's subtree and a period of whole Europe/Helsinki calendar months from the
 * stored invitations, responses and visits, and hands them to {@link PromUsage} (docs/analytics.md, "PROM usage").
 * A response counts in the month of its {@code authored} time; an invitation in the month it was created.
 */
@Singleton
public class PromUsageReport {
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    private static final String ORG = "Organization/";

    private final JdbcOperations jdbc;
    private final AnalyticsStore analytics;
    private final AnalyticsConfig config;
    private final QuestionnaireCatalog catalog;
    private final FhirJson json;

    public PromUsageReport(JdbcOperations jdbc, AnalyticsStore analytics, AnalyticsConfig config, QuestionnaireCatalog catalog,
                           FhirJson json) {
        this.jdbc = jdbc;
        this.analytics = analytics;
        this.config = config;
        this.catalog = catalog;
        this.json = json;
    }

    /** The report: the subtree's units (parents first), the rows and the usability rows. */
    public record Result(Map<String, AnalyticsStore.Unit> units, List<PromUsage.Row> rows, List<PromUsage.UsabilityRow> usability,
                         int minCellSize) {
    }

    /** @param from first day of the first month, {@code to} last day of the last month */
    @Transactional(readOnly = true)
    public Result report(String rootId, LocalDate from, LocalDate to) {
        Map<String, AnalyticsStore.Unit> units = analytics.subtree(rootId);
        List<String> refs = units.keySet().stream().map(id -> ORG + id).toList();
        Instant start = from.atStartOfDay(ZONE).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(ZONE).toInstant();
        Map<PromUsage.Key, PromUsage.Tally> tallies = new HashMap<>();
        Map<PromUsage.Key, Set<String>> invitedPatients = new HashMap<>();
        query("SELECT unit_ref, questionnaire_url, patient_id, created_at FROM invitation WHERE unit_ref IN (" + marks(refs)
                + ") AND created_at >= ? AND created_at < ?", refs, start, end, rs -> {
            PromUsage.Key key = key(rs.getString(1), rs.getString(2), rs.getTimestamp(4).toInstant());
            tallies.computeIfAbsent(key, k -> new PromUsage.Tally());
            invitedPatients.computeIfAbsent(key, k -> new HashSet<>()).add(rs.getString(3));
        });
        invitedPatients.forEach((key, patients) -> tallies.get(key).invitedPatients = patients.size());
        // PROMs are about a patient: feedback, staff surveys and the usability check are stored without a subject
        Set<String> adaptiveUrls = new HashSet<>();
        query(responsesWithInvitations(refs.size()), refs, start, end, rs -> {
            PromUsage.Key key = key(rs.getString(1), rs.getString(2), rs.getTimestamp(4).toInstant());
            PromUsage.Tally tally = tallies.computeIfAbsent(key, k -> new PromUsage.Tally());
            tally.started++;
            if (isFinal(rs.getString(3))) {
                tally.completed++;
                Timestamp invited = rs.getTimestamp(5);
                Timestamp used = rs.getTimestamp(6);
                if (invited != null && used != null && !used.before(invited)) {
                    tally.timesToAnswer.add(Duration.between(invited.toInstant(), used.toInstant()));
                }
                if (isAdaptive(key.questionnaireUrl())) {
                    adaptiveUrls.add(key.questionnaireUrl());
                }
            }
        });
        if (!adaptiveUrls.isEmpty()) {
            List<Object> parameters = new ArrayList<>(refs);
            parameters.addAll(adaptiveUrls);
            query("SELECT r.unit_ref, r.questionnaire_url, r.authored, r.resource_json FROM questionnaire_response r"
                    + " WHERE r.unit_ref IN (" + marks(refs) + ") AND r.questionnaire_url IN (" + marks(adaptiveUrls) + ")"
                    + " AND r.authored >= ? AND r.authored < ? AND r.subject_id IS NOT NULL"
                    + " AND r.status IN ('completed', 'amended')", parameters, start, end, rs -> {
                PromUsage.Key key = key(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant());
                QuestionnaireResponse response = json.parseStored(rs.getString(4), QuestionnaireResponse.class);
                tallies.get(key).adaptiveLengths.add(answered(response.getItem()));
            });
        }
        Map<PromUsage.UsabilityKey, List<Double>> usability = new HashMap<>();
        List<Object> usabilityParameters = new ArrayList<>(refs);
        usabilityParameters.add(UsabilityCheck.QUESTIONNAIRE);
        query("SELECT unit_ref, authored, resource_json FROM questionnaire_response WHERE unit_ref IN (" + marks(refs) + ")"
                + " AND questionnaire_url = ? AND authored >= ? AND authored < ? AND status IN ('completed', 'amended')",
                usabilityParameters, start, end, rs -> {
            QuestionnaireResponse response = json.parseStored(rs.getString(3), QuestionnaireResponse.class);
            Double score = meanAnswer(response.getItem());
            if (score != null) {
                usability.computeIfAbsent(new PromUsage.UsabilityKey(unitId(rs.getString(1)),
                        YearMonth.from(rs.getTimestamp(2).toInstant().atZone(ZONE))), k -> new ArrayList<>()).add(score);
            }
        });
        List<PromUsage.Visits> visits = analytics.visits(rootId, from, to).stream()
                .map(v -> new PromUsage.Visits(v.unitId(), v.start(), v.end(), v.visits())).toList();
        CellSuppression suppression = new CellSuppression(config.getMinCellSize());
        return new Result(units, PromUsage.rows(tallies, visits, suppression), PromUsage.usability(usability, suppression),
                config.getMinCellSize());
    }

    private boolean isAdaptive(String url) {
        return catalog.resolve(new CanonicalRef(url, null)).map(AdaptiveBank::isAdaptive).orElse(false);
    }

    private static boolean isFinal(String status) {
        return "completed".equals(status) || "amended".equals(status);
    }

    /** Questions answered in an adaptive test (its items with an answer, at any depth). */
    static int answered(List<QuestionnaireResponse.QuestionnaireResponseItemComponent> items) {
        int n = 0;
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : items) {
            n += item.hasAnswer() ? 1 : 0;
            n += answered(item.getItem());
        }
        return n;
    }

    /** The mean of a usability answer's integer answers (1–7), or null when none was answered. */
    static Double meanAnswer(List<QuestionnaireResponse.QuestionnaireResponseItemComponent> items) {
        List<Integer> values = new ArrayList<>();
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : items) {
            for (QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent answer : item.getAnswer()) {
                if (answer.getValue() instanceof IntegerType integer && integer.getValue() != null) {
                    values.add(integer.getValue());
                }
            }
        }
        return values.isEmpty() ? null : values.stream().mapToInt(Integer::intValue).average().orElseThrow();
    }

    private static PromUsage.Key key(String unitRef, String url, Instant at) {
        return new PromUsage.Key(unitId(unitRef), url, YearMonth.from(at.atZone(ZONE)));
    }

    private static String unitId(String unitRef) {
        return unitRef.startsWith(ORG) ? unitRef.substring(ORG.length()) : unitRef;
    }

    /**
     * The PROM responses of these units in the period, each with the invitation it answered if any: the invitation of
     * each response is found by ix_invitation_response (V35), not by reading every invitation ever sent.
     */
    static String responsesWithInvitations(int units) {
        return "SELECT r.unit_ref, r.questionnaire_url, r.status, r.authored, i.created_at, i.used_at"
                + " FROM questionnaire_response r LEFT JOIN invitation i ON i.response_id = r.id"
                + " WHERE r.unit_ref IN (" + marks(units) + ") AND r.authored >= ?"
                + " AND r.authored < ? AND r.subject_id IS NOT NULL AND r.status <> 'entered-in-error'";
    }

    private static String marks(java.util.Collection<?> values) {
        return marks(values.size());
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, List<?> values, Instant start, Instant end, RowReader reader) {
        if (values.isEmpty()) {
            return;
        }
        jdbc.prepareStatement(sql, (PreparedStatement s) -> {
            int i = 1;
            for (Object value : values) {
                s.setString(i++, value.toString());
            }
            s.setTimestamp(i++, Timestamp.from(start));
            s.setTimestamp(i, Timestamp.from(end));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
            return null;
        });
    }
}
