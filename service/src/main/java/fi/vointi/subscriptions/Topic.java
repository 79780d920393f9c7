package fi.vointi.subscriptions;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The subscription topics Vointi raises events for (docs/subscriptions.md). A Subscription names one by its canonical
 * URL in {@code Subscription.criteria}; the filter ({@code _criteria}) narrows it to service units.
 */
public enum Topic {
    RESPONSE_SHARED("response-shared", "QuestionnaireResponse", "Response shared with a unit",
            "A patient (or guardian) shared a completed or amended QuestionnaireResponse with the care team of its service"
                    + " unit. Focus: the QuestionnaireResponse."),
    SCORE_OBSERVATION_CREATED("score-observation-created", "Observation", "Score Observation created",
            "A score Observation of a response became available to the subscriber: scores are created when a response is"
                    + " completed, and a backend client may read them once the patient shares the response, so the event is"
                    + " raised at sharing, one per score (final or amended). Focus: the Observation."),
    RESPONSE_SHARING_WITHDRAWN("response-sharing-withdrawn", "QuestionnaireResponse", "Sharing of a response withdrawn",
            "A patient (or guardian) withdrew the sharing of a QuestionnaireResponse that was shared with the care team of its"
                    + " service unit: the subscriber may no longer read it (nor its scores) and should drop any copy it holds."
                    + " Focus: the QuestionnaireResponse, by reference only (payload empty or id-only).");

    public static final String CANONICAL_BASE = "https://vointi.fi/fhir/SubscriptionTopic/";
    /** The filter parameter both topics take: the response's service unit ({@code service-unit} extension). */
    public static final String UNIT_FILTER = "service-unit";

    private final String code;
    private final String resourceType;
    private final String title;
    private final String description;

    Topic(String code, String resourceType, String title, String description) {
        this.code = code;
        this.resourceType = resourceType;
        this.title = title;
        this.description = description;
    }

    public String url() {
        return CANONICAL_BASE + code;
    }

    public String code() {
        return code;
    }

    public String resourceType() {
        return resourceType;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public static Optional<Topic> ofUrl(String url) {
        return Arrays.stream(values()).filter(t -> t.url().equals(url)).findFirst();
    }

    public static List<String> urls() {
        return Arrays.stream(values()).map(Topic::url).toList();
    }
}
