package fi.vointi.audit;

import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchBundles;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import fi.vointi.fhir.SqlWhere;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.CallerResolver;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Read-only FHIR view of the audit trail for administrators: {@code GET /fhir/AuditEvent} with
 * date, agent, patient, entity, action, outcome. There is no create, update or delete.
 */
@Controller("/fhir/AuditEvent")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy.readAudit decides
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditEventController {
    public static final Set<String> PARAMETERS = Set.of("date", "agent", "patient", "entity", "action", "outcome");
    /** Newest first; no _sort. */
    static final SearchSpec SPEC = SearchSpec.of("AuditEvent", PARAMETERS);
    private static final Set<String> ACTIONS = Set.of("C", "R", "U", "D", "E");
    private static final Set<String> OUTCOMES = Set.of("0", "4", "8", "12");
    private static final String SELECT = "SELECT e.id, e.recorded, e.action, e.operation, e.outcome, e.http_status,"
            + " e.agent_id, e.agent_client, e.agent_roles, e.source_ip, e.method, e.path, e.entities, e.detail,"
            + " (SELECT STRING_AGG(p.patient_id, ' ') FROM audit_event_patient p WHERE p.event_id = e.id)"
            + " FROM audit_event e";
    private final JdbcOperations jdbc;
    private final CallerResolver callers;
    private final FhirResponses responses;
    private final FhirServerConfiguration server;

    public AuditEventController(JdbcOperations jdbc, CallerResolver callers, FhirResponses responses,
                                FhirServerConfiguration server) {
        this.jdbc = jdbc;
        this.callers = callers;
        this.responses = responses;
        this.server = server;
    }

    @Get(produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    @Transactional(readOnly = true)
    public HttpResponse<String> search(HttpRequest<?> request) {
        AuditContext.of(request).operation("audit-search")
                .detail("parameters: " + String.join(",", new java.util.TreeSet<>(request.getParameters().names())));
        CallerResolver.enforce(AccessPolicy.readAudit(callers.resolve(request)));
        SearchRequest search = SearchRequest.of(request.getParameters(), SPEC);
        SqlWhere where = new SqlWhere();
        for (String raw : search.all("date")) {
            DateRange.parse("date", raw, server.getZone()).addTo(where, "e.recorded");
        }
        where.allOf(search.occurrences("agent"), (w, v) -> w.add("e.agent_id = ? OR e.agent_client = ?", v, v));
        where.allOf(search.occurrences("patient"), (w, v) -> w.add(
                "e.id IN (SELECT p.event_id FROM audit_event_patient p WHERE p.patient_id = ?)", v.replaceFirst("^Patient/", "")));
        where.allOf(search.occurrences("entity"), (w, v) -> w.add(
                "e.entities = ? OR e.entities LIKE ? OR e.entities LIKE ? OR e.entities LIKE ?",
                v, escapeLike(v) + " %", "% " + escapeLike(v), "% " + escapeLike(v) + " %"));
        where.allOf(search.codes("action", ACTIONS), (w, v) -> w.add("e.action = ?", v));
        where.allOf(search.codes("outcome", OUTCOMES), (w, v) -> w.add("e.outcome = ?", v));
        int count = search.count();
        List<Object> pageValues = new ArrayList<>(where.parameters());
        pageValues.add(count + 1);
        pageValues.add(search.offset());
        List<AuditEvent> found = count == 0 ? List.of()
                : select(where.sql() + " ORDER BY e.recorded DESC, e.id DESC LIMIT ? OFFSET ?", pageValues);
        boolean hasNext = found.size() > count;
        Integer total = search.totalRequested() ? jdbc.prepareStatement("SELECT COUNT(*) FROM audit_event e" + where.sql(),
                statement -> {
                    SqlWhere.bind(statement, where.parameters());
                    try (ResultSet rs = statement.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }) : null;
        var bundle = SearchBundles.searchset(SearchBundles.baseUrl(request, server.getBaseUrl()), "AuditEvent", search,
                hasNext ? found.subList(0, count) : found, hasNext, total);
        return responses.searchset(bundle, request, search);
    }

    @Get(uri = "/{id}", produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    @Transactional(readOnly = true)
    public HttpResponse<String> read(@PathVariable String id, HttpRequest<?> request) {
        AuditContext.of(request).operation("audit-read").entity("AuditEvent/" + id);
        CallerResolver.enforce(AccessPolicy.readAudit(callers.resolve(request)));
        List<AuditEvent> found = select(" WHERE e.id = ?", List.<Object>of(id));
        if (found.isEmpty()) {
            throw FhirException.notFound("AuditEvent/" + id + " is not known");
        }
        return responses.ok(found.get(0), request);
    }

    /** Audit rows as AuditEvents: {@code rest} follows SELECT, with one bound value per '?'. */
    private List<AuditEvent> select(String rest, List<Object> values) {
        return jdbc.prepareStatement(SELECT + rest, statement -> {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    events.add(toFhir(rs));
                }
            }
            return events;
        });
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** One audit row as a FHIR R4 AuditEvent (a RESTful operation seen by Vointi). */
    static AuditEvent toFhir(ResultSet rs) throws SQLException {
        AuditEvent event = new AuditEvent();
        event.setId(rs.getString(1));
        event.setRecorded(Date.from(rs.getTimestamp(2).toInstant()));
        event.setAction(AuditEvent.AuditEventAction.fromCode(rs.getString(3)));
        event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        event.addSubtype(new Coding("https://vointi.fi/fhir/CodeSystem/audit-operation", rs.getString(4), null));
        event.setOutcome(AuditEvent.AuditEventOutcome.fromCode(rs.getString(5)));
        event.setOutcomeDesc("HTTP " + rs.getInt(6) + (rs.getString(14) == null ? "" : "; " + rs.getString(14)));
        AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true);
        String agentId = rs.getString(7);
        agent.setWho(new Reference().setIdentifier(new Identifier().setSystem("urn:vointi:token-subject")
                .setValue(agentId == null ? "anonymous" : agentId)));
        if (rs.getString(8) != null) {
            agent.setAltId(rs.getString(8));
        }
        if (rs.getString(9) != null && !rs.getString(9).isBlank()) {
            agent.setName(rs.getString(9));
        }
        if (rs.getString(10) != null) {
            agent.getNetwork().setAddress(rs.getString(10)).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
        agent.setPolicy(List.of());
        event.getSource().setSite("Vointi").setObserver(new Reference().setDisplay("Vointi service"));
        event.addEntity().setWhat(new Reference().setDisplay(rs.getString(11) + " " + rs.getString(12)))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        String entities = rs.getString(13);
        if (entities != null) {
            for (String ref : entities.split(" ")) {
                event.addEntity().setWhat(new Reference(ref));
            }
        }
        String patients = rs.getString(15);
        if (patients != null) {
            for (String patient : patients.split(" ")) {
                event.addEntity().setWhat(new Reference("Patient/" + patient))
                        .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                        .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
            }
        }
        return event;
    }
}
