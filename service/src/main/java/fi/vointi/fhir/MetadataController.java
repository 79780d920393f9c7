package fi.vointi.fhir;

import fi.vointi.conformance.OperationDefinitions;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

import java.util.Date;

/**
 * {@code GET /fhir/metadata}: the CapabilityStatement. It lists exactly what the endpoints implement;
 * when an endpoint or search parameter is added, it is added here too (a test compares the two).
 */
@Controller("/fhir/metadata")
@io.micronaut.security.annotation.Secured(io.micronaut.security.rules.SecurityRule.IS_ANONYMOUS) // public: no health data
public class MetadataController {
    /** FHIR Bulk Data Access (v2): system and Group level $export, see docs/fhir-conformance.md. */
    public static final String BULK_DATA = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    public static final String SMART_APP_LAUNCH = "http://hl7.org/fhir/smart-app-launch/ImplementationGuide/hl7.fhir.uv.smart-app-launch";
    /** Subscriptions Backport IG: the topics a server offers, on the statement's Subscription resource. */
    public static final String SUBSCRIPTION_TOPIC_CANONICAL =
            "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical";
    private final FhirResponses responses;
    private final FhirServerConfiguration server;
    private final String version;
    private final Date started = new Date();

    public MetadataController(FhirResponses responses, FhirServerConfiguration server,
                              @Value("${vointi.version:0.1.0}") String version) {
        this.responses = responses;
        this.server = server;
        this.version = version;
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> metadata(HttpRequest<?> request) {
        return responses.ok(capabilityStatement(SearchBundles.baseUrl(request, server.getBaseUrl())), request);
    }

    CapabilityStatement capabilityStatement(String baseUrl) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setDate(started)
                .setPublisher("Vointi")
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1)
                .addFormat("application/fhir+json")
                .addFormat("json")
                .addFormat("application/fhir+xml")
                .addFormat("xml");
        cs.setName("VointiFhirServer").setTitle("Vointi FHIR API");
        // SMART App Launch v2 publishes no server CapabilityStatement to instantiate (only the App State one, which we do
        // not implement), so SMART is declared as an implementation guide plus /.well-known/smart-configuration.
        cs.addInstantiates(BULK_DATA);
        cs.addImplementationGuide(SMART_APP_LAUNCH);
        cs.getSoftware().setName("Vointi").setVersion(version);
        cs.getImplementation().setDescription("Vointi: PROMs, adaptive tests and customer feedback").setUrl(baseUrl);

        CapabilityStatementRestComponent rest = cs.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Answers in FHIR JSON or XML (_format json | xml, or Accept); request bodies are JSON."
                + " Every search takes _count (0-200, default 20; 0 gives the total only), _offset, _total (none | estimate |"
                + " accurate: always an accurate count), _summary (count | true | data | false), _elements, _format, _pretty;"
                + " _sort only where listed per resource. Reads take _summary (true | data | false) and _elements."
                + " Any other parameter, modifier or value is refused with 400."
                + " See README, FHIR API.");
        rest.getSecurity().setCors(true)
                .addService(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "SMART-on-FHIR", "SMART-on-FHIR")))
                .setDescription("OpenID Connect bearer tokens from the county's identity provider; backend clients use"
                        + " OAuth2 client credentials with SMART v2 system scopes. Questionnaires and this statement are"
                        + " public; everything else needs a token. See README, Security.");

        CapabilityStatementRestResourceComponent questionnaire = rest.addResource().setType("Questionnaire");
        questionnaire.setProfile("https://vointi.fi/fhir/StructureDefinition/vointi-questionnaire");
        questionnaire.addInteraction().setCode(TypeRestfulInteraction.READ);
        questionnaire.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        questionnaire.setVersioning(ResourceVersionPolicy.NOVERSION);
        searchParam(questionnaire, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(questionnaire, "url", SearchParamType.URI, "Canonical url");
        searchParam(questionnaire, "version", SearchParamType.TOKEN, "Business version");
        searchParam(questionnaire, "status", SearchParamType.TOKEN, "draft | active | retired | unknown");
        searchParam(questionnaire, "name", SearchParamType.STRING, "Computer-friendly name (:exact, :contains)");
        searchParam(questionnaire, "title", SearchParamType.STRING, "Title in any language (:exact, :contains)");
        questionnaire.addOperation().setName("next-question")
                .setDefinition(definition("Questionnaire", "next-question"))
                .setDocumentation("POST $next-question: the next item of an adaptive test, statelessly (docs/adaptive.md)");
        questionnaire.addOperation().setName("simulate")
                .setDefinition(definition("Questionnaire", "simulate"))
                .setDocumentation("POST [id]/$simulate: CAT simulation of a bank and its design (administrators)");

        CapabilityStatementRestResourceComponent response = rest.addResource().setType("QuestionnaireResponse");
        response.addInteraction().setCode(TypeRestfulInteraction.READ);
        response.addInteraction().setCode(TypeRestfulInteraction.VREAD);
        response.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        response.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
        response.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        response.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE)
                .setReadHistory(true)
                .setUpdateCreate(false)
                .setConditionalCreate(true)
                .setConditionalUpdate(false)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        searchParam(response, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(response, "subject", SearchParamType.REFERENCE, "Who the answers are about");
        searchParam(response, "patient", SearchParamType.REFERENCE, "The patient the answers are about");
        searchParam(response, "questionnaire", SearchParamType.REFERENCE, "Questionnaire canonical url[|version]");
        searchParam(response, "status", SearchParamType.TOKEN, "in-progress | completed | amended | entered-in-error | stopped");
        searchParam(response, "authored", SearchParamType.DATE, "When answered (eq, gt, lt, ge, le)");
        searchParam(response, "identifier", SearchParamType.TOKEN, "Business identifier (system|value)");
        searchParam(response, "_lastUpdated", SearchParamType.DATE, "meta.lastUpdated (eq, gt, lt, ge, le)");
        response.addSearchInclude("QuestionnaireResponse:questionnaire");
        response.addSearchRevInclude("Observation:derived-from");
        response.setDocumentation("_sort: -authored (default), authored, -_lastUpdated, _lastUpdated."
                + " _include=QuestionnaireResponse:questionnaire adds the questionnaires answered; _revinclude=Observation:derived-from"
                + " adds the scores the caller may read");
        response.addOperation().setName("share")
                .setDefinition(definition("QuestionnaireResponse", "share"))
                .setDocumentation("POST [id]/$share: the patient shares the response with the care team (returns Consent)");
        response.addOperation().setName("withdraw-share")
                .setDefinition(definition("QuestionnaireResponse", "withdraw-share"))
                .setDocumentation("POST [id]/$withdraw-share: the patient withdraws sharing (returns Consent)");

        CapabilityStatementRestResourceComponent audit = rest.addResource().setType("AuditEvent");
        audit.addInteraction().setCode(TypeRestfulInteraction.READ);
        audit.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        audit.setDocumentation("Administrators only; append-only, written by the server for every access to health data");
        searchParam(audit, "date", SearchParamType.DATE, "When recorded (eq, gt, lt, ge, le)");
        searchParam(audit, "agent", SearchParamType.TOKEN, "Token subject or client id of who acted");
        searchParam(audit, "patient", SearchParamType.REFERENCE, "Patient whose data was touched");
        searchParam(audit, "entity", SearchParamType.REFERENCE, "Resource touched, e.g. QuestionnaireResponse/123");
        searchParam(audit, "action", SearchParamType.TOKEN, "C | R | U | D | E");
        searchParam(audit, "outcome", SearchParamType.TOKEN, "0 success | 4 refused or invalid | 8 server failure");

        // Scores extracted from responses, see docs/scoring.md
        CapabilityStatementRestResourceComponent observation = rest.addResource().setType("Observation");
        observation.addInteraction().setCode(TypeRestfulInteraction.READ);
        observation.addInteraction().setCode(TypeRestfulInteraction.VREAD);
        observation.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        observation.setVersioning(ResourceVersionPolicy.VERSIONED).setReadHistory(true);
        observation.setDocumentation("Read-only: one Observation per score of a completed response, written by the server"
                + " in the same transaction; amending the response writes a new version (status amended)."
                + " Who may read one follows the response it was derived from. _sort: -date (default), date, -_lastUpdated, _lastUpdated");
        searchParam(observation, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(observation, "subject", SearchParamType.REFERENCE, "Who the score is about, e.g. Patient/123");
        searchParam(observation, "patient", SearchParamType.REFERENCE, "The patient the score is about");
        searchParam(observation, "code", SearchParamType.TOKEN, "Score code (system|code), e.g. "
                + "https://vointi.fi/fhir/CodeSystem/vointi-score|demo-wellbeing-prom.total");
        searchParam(observation, "date", SearchParamType.DATE, "effectiveDateTime = when the response was authored (eq, gt, lt, ge, le)");
        searchParam(observation, "derived-from", SearchParamType.REFERENCE, "The QuestionnaireResponse (any version, or [id]/_history/[v])");
        searchParam(observation, "status", SearchParamType.TOKEN, "final | amended | entered-in-error");
        searchParam(observation, "_lastUpdated", SearchParamType.DATE, "meta.lastUpdated (eq, gt, lt, ge, le)");

        // Invitations (SDC complete-questionnaire Task), see docs/invitations.md
        CapabilityStatementRestResourceComponent task = rest.addResource().setType("Task");
        task.addInteraction().setCode(TypeRestfulInteraction.READ);
        task.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        task.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        task.setVersioning(ResourceVersionPolicy.VERSIONED)
                .setReadHistory(false)
                .setUpdateCreate(false)
                .setConditionalCreate(false)
                .setConditionalUpdate(false)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        searchParam(task, "patient", SearchParamType.REFERENCE, "The invited patient (Task.for)");
        searchParam(task, "status", SearchParamType.TOKEN, "ready | completed (other Task status codes match nothing)");
        searchParam(task, "_lastUpdated", SearchParamType.DATE, "meta.lastUpdated: created, or answered (eq, gt, lt, ge, le)");

        // Visits for post-visit feedback (docs/feedback.md): counted and sampled for an SMS, never stored
        CapabilityStatementRestResourceComponent encounter = rest.addResource().setType("Encounter");
        encounter.addInteraction().setCode(TypeRestfulInteraction.CREATE)
                .setDocumentation("202 Accepted: a finished visit (status finished, serviceProvider = the unit, subject = a"
                        + " contained Patient with the mobile number) is counted and may be sent the unit's feedback SMS;"
                        + " the Encounter is not stored. system/Encounter.c clients only");
        encounter.setVersioning(ResourceVersionPolicy.NOVERSION)
                .setReadHistory(false)
                .setUpdateCreate(false)
                .setConditionalCreate(false)
                .setConditionalUpdate(false)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("POST [base]: a transaction Bundle of up to 1000 POST Encounter entries (visits), all or nothing");

        // PROM schedules: protocols (PlanDefinition) and enrolments (CarePlan), see docs/schedules.md
        CapabilityStatementRestResourceComponent planDefinition = rest.addResource().setType("PlanDefinition");
        planDefinition.addInteraction().setCode(TypeRestfulInteraction.READ);
        planDefinition.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        planDefinition.setVersioning(ResourceVersionPolicy.NOVERSION);
        planDefinition.setDocumentation("Public: the PROM protocols (which questionnaire at which offset from an episode's"
                + " start, reminders in extension https://vointi.fi/fhir/StructureDefinition/schedule-reminders)");
        searchParam(planDefinition, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(planDefinition, "url", SearchParamType.URI, "Canonical url");

        CapabilityStatementRestResourceComponent carePlan = rest.addResource().setType("CarePlan");
        carePlan.addInteraction().setCode(TypeRestfulInteraction.READ);
        carePlan.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        carePlan.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
        carePlan.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        carePlan.setVersioning(ResourceVersionPolicy.VERSIONED)
                .setReadHistory(false)
                .setUpdateCreate(false)
                .setConditionalCreate(false)
                .setConditionalUpdate(false)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        carePlan.setDocumentation("Enrolment in a PROM schedule: create with instantiatesCanonical = a PlanDefinition,"
                + " subject, period.start (the episode's start), service-unit and invitation-recipient extensions; the"
                + " invitations (Task) follow at the protocol's offsets. Update only ends it (status completed | revoked). Search: newest first, only what the caller may read");
        searchParam(carePlan, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(carePlan, "patient", SearchParamType.REFERENCE, "The enrolled patient (CarePlan.subject), e.g. Patient/123");
        searchParam(carePlan, "subject", SearchParamType.REFERENCE, "The enrolled patient, Patient/123");
        searchParam(carePlan, "status", SearchParamType.TOKEN, "active | completed | revoked (other CarePlan status codes match nothing)");

        CapabilityStatementRestResourceComponent patient = rest.addResource().setType("Patient");
        patient.setDocumentation("No Patient resources are served; GDPR operations on one patient's data (docs/gdpr.md)");
        patient.addOperation().setName("everything")
                .setDefinition(definition("Patient", "everything"))
                .setDocumentation("GET or POST [id]/$everything: everything stored about the patient as a collection Bundle"
                        + " (admin, the patient, their guardian)");
        patient.addOperation().setName("erase")
                .setDefinition(definition("Patient", "erase"))
                .setDocumentation("POST [id]/$erase: erase (default) or pseudonymise the patient's data; Parameters mode, reason (admin)");

        // Organisation structure (county -> service area -> service -> unit) and service points, docs/organization.md
        CapabilityStatementRestResourceComponent organization = rest.addResource().setType("Organization");
        organizationInteractions(organization);
        organization.setDocumentation("Staff and system/Organization.rs clients read; administrators write."
                + " Levels in Organization.type (https://vointi.fi/fhir/CodeSystem/organization-level), partOf the level above;"
                + " update needs If-Match; DELETE only when nothing refers to the Organization (otherwise 409: set active false)."
                + " _sort: name (default), -name, _lastUpdated, -_lastUpdated");
        searchParam(organization, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(organization, "name", SearchParamType.STRING, "Name in any language (:exact, :contains)");
        searchParam(organization, "partof", SearchParamType.REFERENCE, "The parent Organization (direct children)");
        searchParam(organization, "type", SearchParamType.TOKEN, "Level: county | area | service | unit");
        searchParam(organization, "active", SearchParamType.TOKEN, "true | false");
        searchParam(organization, "_lastUpdated", SearchParamType.DATE, "meta.lastUpdated (eq, gt, lt, ge, le)");

        CapabilityStatementRestResourceComponent location = rest.addResource().setType("Location");
        organizationInteractions(location);
        location.setDocumentation("Service points of a unit (managingOrganization). Staff and system/Location.rs clients read;"
                + " administrators write; update needs If-Match. _sort: name (default), -name, _lastUpdated, -_lastUpdated");
        searchParam(location, "_id", SearchParamType.TOKEN, "Logical id");
        searchParam(location, "name", SearchParamType.STRING, "Name in any language (:exact, :contains)");
        searchParam(location, "organization", SearchParamType.REFERENCE, "The unit the service point belongs to");
        searchParam(location, "_lastUpdated", SearchParamType.DATE, "meta.lastUpdated (eq, gt, lt, ge, le)");

        // Bulk Data v2 export for backend clients (docs/bulk-export.md); the async status and file URLs are no FHIR
        // interactions and are not listed
        CapabilityStatementRestResourceComponent group = rest.addResource().setType("Group");
        group.setDocumentation("No Group resources are served: Group/[unit id]/$export exports the patients of a unit"
                + " and the units below it (docs/bulk-export.md)");
        group.addOperation().setName("export")
                .setDefinition("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export")
                .setDocumentation("Bulk Data export of a unit's patients (Prefer: respond-async; _type, _since, _outputFormat)");
        rest.addOperation().setName("export")
                .setDefinition("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export")
                .setDocumentation("Bulk Data export of everything the backend client may read (Prefer: respond-async;"
                        + " _type = QuestionnaireResponse, Observation, Consent, Task, Questionnaire, Organization, each as far as"
                        + " the client may read it; _since; _outputFormat = application/fhir+ndjson)");

        // Topic-based subscriptions, R4 Subscriptions Backport IG (docs/subscriptions.md); the topics also as Basic
        // resources at GET /fhir/SubscriptionTopic (R4 has no SubscriptionTopic type)
        CapabilityStatementRestResourceComponent subscription = rest.addResource().setType("Subscription");
        subscription.setProfile(fi.vointi.subscriptions.SubscriptionRequest.PROFILE);
        for (String topic : fi.vointi.subscriptions.Topic.urls()) {
            subscription.addExtension(SUBSCRIPTION_TOPIC_CANONICAL, new org.hl7.fhir.r4.model.CanonicalType(topic));
        }
        subscription.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        subscription.addInteraction().setCode(TypeRestfulInteraction.READ);
        subscription.addInteraction().setCode(TypeRestfulInteraction.DELETE);
        subscription.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        subscription.setVersioning(ResourceVersionPolicy.NOVERSION)
                .setReadHistory(false)
                .setUpdateCreate(false)
                .setConditionalCreate(false)
                .setConditionalUpdate(false)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        subscription.setDocumentation("Backend clients with a system/QuestionnaireResponse read scope subscribe to a topic"
                + " (criteria = its canonical URL, listed at GET SubscriptionTopic) for units they may read (_criteria filter"
                + " [type]?service-unit=Organization/[id],…); rest-hook only, https endpoints; payload content empty | id-only |"
                + " full-resource; heartbeat and timeout extensions. A subscription belongs to the client that created it."
                + " See docs/subscriptions.md");
        searchParam(subscription, "status", SearchParamType.TOKEN, "requested | active | error | off (the client's own subscriptions)");
        searchParam(subscription, "_lastUpdated", SearchParamType.DATE, "meta.lastUpdated (eq, gt, lt, ge, le)");
        subscription.addOperation().setName("status")
                .setDefinition("http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status")
                .setDocumentation("GET [id]/$status: the subscription's status and events-since-subscription-start");

        CapabilityStatementRestResourceComponent operationDefinition = rest.addResource().setType("OperationDefinition");
        operationDefinition.addInteraction().setCode(TypeRestfulInteraction.READ);
        operationDefinition.setVersioning(ResourceVersionPolicy.NOVERSION);
        operationDefinition.setDocumentation("Public: the definitions of the operations above, [id] = [resource type]-[code]");
        return cs;
    }

    private static String definition(String resourceType, String code) {
        return OperationDefinitions.of(resourceType, code).getUrl();
    }

    private static void organizationInteractions(CapabilityStatementRestResourceComponent resource) {
        resource.addInteraction().setCode(TypeRestfulInteraction.READ);
        resource.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        resource.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
        resource.addInteraction().setCode(TypeRestfulInteraction.DELETE);
        resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        resource.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE)
                .setReadHistory(false)
                .setUpdateCreate(false)
                .setConditionalCreate(false)
                .setConditionalUpdate(false)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
    }

    private static void searchParam(CapabilityStatementRestResourceComponent resource, String name, SearchParamType type,
                                    String documentation) {
        resource.addSearchParam().setName(name).setType(type).setDocumentation(documentation);
    }
}
