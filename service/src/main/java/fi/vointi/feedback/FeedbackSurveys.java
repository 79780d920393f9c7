package fi.vointi.feedback;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.List;
import java.util.Optional;

/** Which feedback questionnaire each audience answers: the configured one, else the one tagged for it. */
@Singleton
public class FeedbackSurveys {
    /** Questionnaire extension, valueCode adult | child | relative | staff. */
    public static final String SURVEY_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/feedback-survey";
    /** QuestionnaireResponse extension, valueCode qr | sms | web | kiosk | import. */
    public static final String CHANNEL_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/feedback-channel";
    public static final String ITEM_SYSTEM = "https://vointi.fi/fhir/CodeSystem/feedback-item";
    /** Audiences offered on the public form; staff surveys are reached with {@code ?audience=staff}. */
    static final List<String> PUBLIC_AUDIENCES = List.of("adult", "child", "relative");
    static final List<String> AUDIENCES = List.of("adult", "child", "relative", "staff");

    private final QuestionnaireCatalog catalog;
    private final FeedbackConfiguration configuration;

    public FeedbackSurveys(QuestionnaireCatalog catalog, FeedbackConfiguration configuration) {
        this.catalog = catalog;
        this.configuration = configuration;
    }

    /** The audience code of a feedback questionnaire, empty for any other questionnaire. */
    public static Optional<String> audienceOf(Questionnaire questionnaire) {
        Extension extension = questionnaire.getExtensionByUrl(SURVEY_EXTENSION);
        return extension != null && extension.getValue() instanceof CodeType code && code.hasValue()
                ? Optional.of(code.getValue()) : Optional.empty();
    }

    /** The current version of the audience's questionnaire. */
    Optional<Questionnaire> forAudience(String audience) {
        String configured = configuration.getSurvey().get(audience);
        if (configured != null && !configured.isBlank()) {
            return catalog.resolve(CanonicalRef.parse(configured)).filter(q -> audienceOf(q).isPresent());
        }
        return catalog.all().stream()
                .filter(q -> q.getStatus() == PublicationStatus.ACTIVE && audienceOf(q).filter(audience::equals).isPresent())
                .map(Questionnaire::getUrl).sorted().findFirst()
                .flatMap(url -> catalog.resolve(new CanonicalRef(url, null)));
    }

    Optional<Questionnaire> resolve(String canonical) {
        return catalog.resolve(CanonicalRef.parse(canonical));
    }
}
