package fi.vointi.feedback;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.responses.ResponseService;
import fi.vointi.results.ResultsViews;
import fi.vointi.security.Caller;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The optional usability check after a patient's results (issue 12, item 9): two questions on a 1–7 scale from the
 * demo questionnaire {@code demo-usability-check}, stored as an <b>anonymous</b> QuestionnaireResponse like customer
 * feedback: no subject, author or source, only the unit of the answered questionnaire (so the unit's managers can
 * read and report it) and the hour. It is stored through {@link ResponseService#create} with the anonymous caller,
 * so nothing of the person who answered reaches the response or the audit trail (docs/feedback.md).
 */
@Singleton
public class UsabilityCheck {
    public static final String QUESTIONNAIRE = "https://vointi.fi/fhir/Questionnaire/demo-usability-check";
    static final List<String> QUESTIONS = List.of("usability.easy", "usability.clear");
    private static final Duration KEEP = Duration.ofDays(1);

    private final QuestionnaireCatalog catalog;
    private final ResponseService responses;
    private final JdbcOperations jdbc;

    UsabilityCheck(QuestionnaireCatalog catalog, ResponseService responses, JdbcOperations jdbc) {
        this.catalog = catalog;
        this.responses = responses;
        this.jdbc = jdbc;
    }

    Optional<Questionnaire> questionnaire() {
        return catalog.resolve(new CanonicalRef(QUESTIONNAIRE, null));
    }

    /**
     * The check's form for a results page, or null when the questionnaire is not served.
     *
     * @param unitRef    the unit of the answered questionnaire ({@code Organization/x}), or null
     * @param returnHref the results page to return to (after sending or skipping)
     */
    @Nullable
    public ResultsViews.Usability view(String lang, @Nullable String unitRef, String returnHref) {
        Optional<Questionnaire> found = questionnaire();
        if (found.isEmpty()) {
            return null;
        }
        Questionnaire q = found.get();
        List<ResultsViews.UsabilityQuestion> questions = new ArrayList<>();
        String scaleText = "";
        String scaleLang = lang;
        for (Questionnaire.QuestionnaireItemComponent item : q.getItem()) {
            if (item.getType() == Questionnaire.QuestionnaireItemType.DISPLAY) {
                scaleText = Languages.text(item.getTextElement(), lang);
                scaleLang = Languages.languageOf(item.getTextElement(), lang);
            } else if (QUESTIONS.contains(item.getLinkId())) {
                List<Integer> values = item.getAnswerOption().stream()
                        .filter(o -> o.getValue() instanceof IntegerType).map(o -> ((IntegerType) o.getValue()).getValue()).toList();
                questions.add(new ResultsViews.UsabilityQuestion("item:" + item.getLinkId(), item.getLinkId().replace('.', '-'),
                        Languages.text(item.getTextElement(), lang), Languages.languageOf(item.getTextElement(), lang), values));
            }
        }
        List<ResultsViews.Hidden> hidden = new ArrayList<>();
        hidden.add(new ResultsViews.Hidden("lang", lang));
        hidden.add(new ResultsViews.Hidden("return", returnHref));
        hidden.add(new ResultsViews.Hidden("submission", FormSubmissions.newId()));
        if (unitRef != null && unitRef.startsWith("Organization/")) {
            hidden.add(new ResultsViews.Hidden("unit", unitRef.substring("Organization/".length())));
        }
        return new ResultsViews.Usability("/app/usability", Languages.text(q.getTitleElement(), lang),
                Languages.languageOf(q.getTitleElement(), lang), Messages.get(lang, "app.results.usability.intro"),
                scaleText, scaleLang, questions, hidden, returnHref);
    }

    /**
     * Stores the answers (values 1–7 by linkId) anonymously, once per rendered form; nothing when no question was
     * answered (that is skipping).
     *
     * @return whether an answer was stored
     */
    @Transactional
    boolean store(Map<String, Integer> answers, @Nullable String unitId, @Nullable String submissionId) {
        if (answers.isEmpty()) {
            return false;
        }
        if (submissionId != null && !submissionId.isBlank()) {
            if (submissionId.length() > 64) {
                return false;
            }
            int inserted = jdbc.prepareStatement("INSERT INTO feedback_form_submission (id_sha256, expires_at) VALUES (?, ?)"
                    + " ON CONFLICT DO NOTHING", statement -> {
                statement.setString(1, LinkTokens.sha256Hex(submissionId));
                statement.setTimestamp(2, Timestamp.from(Instant.now().plus(KEEP)));
                return statement.executeUpdate();
            });
            if (inserted == 0) {
                return false;
            }
        }
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setQuestionnaire(QUESTIONNAIRE);
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        response.setAuthored(new Date()); // ResponseService keeps only the hour of an anonymous answer
        if (unitId != null && !unitId.isBlank()) {
            response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unitId));
        }
        for (String linkId : QUESTIONS) {
            Integer value = answers.get(linkId);
            if (value != null) {
                response.addItem().setLinkId(linkId).addAnswer().setValue(new IntegerType(value));
            }
        }
        responses.create(Caller.ANONYMOUS, response, null);
        return true;
    }
}
