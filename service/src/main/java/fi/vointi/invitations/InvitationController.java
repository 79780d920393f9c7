package fi.vointi.invitations;

import fi.vointi.audit.AuditContext;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.net.URI;

/**
 * The invitation link, {@code /invitation/{token}}: no login, the token is the credential. It opens the
 * pinned questionnaire and takes exactly one completed response for the invited patient.
 */
@Controller("/invitation")
@Secured(SecurityRule.IS_ANONYMOUS) // the link token is checked in code
@ExecuteOn(TaskExecutors.BLOCKING)
public class InvitationController {
    private final InvitationService invitations;
    private final FhirJson json;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final InvitationPagesController pages;

    public InvitationController(InvitationService invitations, FhirJson json, FhirResponses responses,
                                FhirServerConfiguration server, InvitationPagesController pages) {
        this.pages = pages;
        this.invitations = invitations;
        this.json = json;
        this.responses = responses;
        this.server = server;
    }

    /**
     * Content negotiation: a browser (its Accept names text/html) gets the questionnaire as pages; FHIR clients get
     * the pinned Questionnaire as before.
     */
    @Get(uri = "/{token}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, "text/html"})
    public HttpResponse<String> open(@PathVariable String token, HttpRequest<?> request) {
        if (request.getHeaders().accept().stream().anyMatch(type -> type.getName().equals(MediaType.TEXT_HTML))) {
            return pages.open(token, request);
        }
        AuditContext audit = AuditContext.of(request).operation("invitation-open");
        Invitation invitation = found(invitations.byToken(token), audit);
        invitations.requireUsable(invitation);
        return responses.ok(invitations.questionnaire(invitation), request);
    }

    @Post(uri = "/{token}/QuestionnaireResponse", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> answer(@PathVariable String token, @Body String body, HttpRequest<?> request) {
        AuditContext audit = AuditContext.of(request).operation("invitation-answer");
        Invitation invitation = found(invitations.byToken(token), audit);
        invitations.requireUsable(invitation); // a used or expired link says so, whatever the body
        QuestionnaireResponse stored = invitations.answer(invitation, json.parseBody(body, QuestionnaireResponse.class, request));
        String id = stored.getIdElement().getIdPart();
        audit.entity("QuestionnaireResponse/" + id);
        URI location = URI.create(SearchBundles.baseUrl(request, server.getBaseUrl()) + "/QuestionnaireResponse/" + id
                + "/_history/" + stored.getMeta().getVersionId());
        return responses.written(HttpResponse.created(location), stored, request, "Created QuestionnaireResponse/" + id);
    }

    private static Invitation found(Invitation invitation, AuditContext audit) {
        audit.entity("Task/" + invitation.id()).patient(invitation.patientId());
        return invitation;
    }
}
