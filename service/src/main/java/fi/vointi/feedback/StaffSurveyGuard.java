package fi.vointi.feedback;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.responses.ResponseWrite;
import fi.vointi.responses.ResponseWriteListener;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;

/**
 * Staff (eNPS) answers come only through staff links (channel sms, checked token), an admin's import or a backend
 * integration relaying them — never from an anonymous post straight to the FHIR endpoint, which anyone could send.
 * (An anonymous caller cannot claim the sms or import channel there.)
 */
@Singleton
class StaffSurveyGuard implements ResponseWriteListener {
    private static final Set<String> VERIFIED_CHANNELS = Set.of("sms", "import");

    @Override
    public void written(ResponseWrite write) {
        if (write.previousStatus() != null
                || !FeedbackSurveys.audienceOf(write.questionnaire()).filter("staff"::equals).isPresent()) {
            return;
        }
        Extension channel = write.response().getExtensionByUrl(FeedbackSurveys.CHANNEL_EXTENSION);
        String code = channel != null && channel.getValue() != null ? channel.getValue().primitiveValue() : null;
        if (code == null || !VERIFIED_CHANNELS.contains(code)) {
            throw new FhirException(HttpStatus.FORBIDDEN, OperationOutcomes.error(IssueType.SECURITY,
                    "The staff survey is answered only through a staff link (POST /api/feedback/channel-tokens with"
                            + " \"audience\": \"staff\")", "QuestionnaireResponse.questionnaire"));
        }
    }
}
