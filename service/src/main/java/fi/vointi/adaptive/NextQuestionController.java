package fi.vointi.adaptive;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

/**
 * {@code POST /fhir/Questionnaire/$next-question} (SDC adaptive questionnaires). Open without login: it stores
 * nothing and returns only what the client sent plus the next item, and patients answering through an
 * invitation link have no token. Storing the finished response goes through the normal, authorised create.
 */
@Controller("/fhir/Questionnaire")
@Secured(SecurityRule.IS_ANONYMOUS)
// No @ExecuteOn: pure CPU work on in-memory banks, so it runs on the event loop without a thread hop.
public class NextQuestionController {
    private final NextQuestionService service;
    private final FhirJson json;
    private final FhirResponses responses;

    public NextQuestionController(NextQuestionService service, FhirJson json, FhirResponses responses) {
        this.service = service;
        this.json = json;
        this.responses = responses;
    }

    // Some HTTP clients percent-encode '$'; both spellings name the operation.
    @Post(uris = {"/$next-question", "/%24next-question"}, consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> nextQuestion(@Body String body, HttpRequest<?> request) {
        IBaseResource resource = json.parseAnyBody(body, request);
        if (resource instanceof QuestionnaireResponse response) {
            return responses.ok(service.next(response), request);
        }
        // Parameters: the answer names its output as the version of SDC the caller's input follows
        for (String[] names : PARAMETER_NAMES) {
            if (resource instanceof Parameters parameters && parameters.getParameter().size() == 1
                    && names[0].equals(parameters.getParameterFirstRep().getName())
                    && parameters.getParameterFirstRep().getResource() instanceof QuestionnaireResponse response) {
                Parameters out = new Parameters();
                out.addParameter().setName(names[1]).setResource(service.next(response));
                return responses.ok(out, request);
            }
        }
        throw FhirException.badRequest("$next-question takes a QuestionnaireResponse, or Parameters with one parameter"
                + " holding it: 'questionnaire-response' (SDC STU4) or 'in' (SDC STU3)");
    }

    /** Input and output parameter names: SDC STU4 ({@code questionnaire-response} → {@code return}), STU3 ({@code in} → {@code out}). */
    private static final String[][] PARAMETER_NAMES = {{"questionnaire-response", "return"}, {"in", "out"}};
}
