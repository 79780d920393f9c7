package fi.vointi.conformance;

import ca.uhn.fhir.validation.SingleValidationMessage;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.MetadataController;
import fi.vointi.support.FhirTestClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CapabilityStatement against the routes Micronaut really serves under {@code /fhir}: a route added without its
 * line in the statement (or a line without its route) fails here. Also: every operation has a published, valid
 * OperationDefinition whose level and state-change flag agree with its routes, and the statement is valid FHIR.
 */
@MicronautTest
class CapabilityStatementConformanceTest {
    /**
     * Paths under /fhir that are not FHIR interactions, each with its reason. Add a path here only when it is no FHIR
     * interaction (e.g. an async status or file URL of Bulk Data); everything else belongs in the statement.
     */
    static final Map<String, String> NOT_FHIR_INTERACTIONS = Map.of(
            "/fhir/.well-known/smart-configuration", "SMART discovery document (JSON), see SmartConfigurationController",
            "/fhir/bulk-status/{id}", "Bulk Data: the status URL of an export (docs/bulk-export.md)",
            "/fhir/bulk-files/{id}/{name}", "Bulk Data: an export's NDJSON file",
            "/fhir/SubscriptionTopic", "R4 has no SubscriptionTopic type: the topics as Basic resources (Subscriptions"
                    + " Backport IG), named in the statement's Subscription extensions (docs/subscriptions.md)");

    @Inject
    EmbeddedServer server;
    @Inject
    Router router;
    @Inject
    QuestionnaireCatalog catalog;
    FhirTestClient anonymous;
    CapabilityStatement statement;

    @BeforeEach
    void setUp() {
        anonymous = new FhirTestClient(server);
        statement = anonymous.get("/fhir/metadata").resource(CapabilityStatement.class);
    }

    /** What one route does, as the statement would say it: "Task create", "Patient $erase instance POST". */
    record Capability(String text, String method) {
    }

    @Test
    void everyRouteUnderFhirIsInTheStatementAndNothingElse() {
        Set<String> routed = new TreeSet<>();
        Map<String, List<String>> operationMethods = new TreeMap<>();
        for (String[] route : fhirRoutes()) {
            String method = route[0];
            String path = route[1];
            // Micronaut answers HEAD wherever there is a GET: the same interaction
            if (NOT_FHIR_INTERACTIONS.containsKey(path) || method.equals("HEAD")) {
                continue;
            }
            String capability = capability(method, path);
            routed.add(capability);
            if (capability.contains(" $")) {
                operationMethods.computeIfAbsent(capability, k -> new ArrayList<>()).add(method);
            }
        }
        assertTrue(routed.contains("Questionnaire $next-question type"), routed.toString()); // the walk sees our routes

        Set<String> declared = new TreeSet<>();
        CapabilityStatementRestComponent rest = statement.getRestFirstRep();
        declared.add("metadata");
        for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
            resource.getInteraction().forEach(i -> declared.add(resource.getType() + " " + i.getCode().toCode()));
            for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
                declared.add(resource.getType() + " $" + operation.getName() + " " + level(operation.getDefinition(), resource.getType()));
            }
        }
        rest.getOperation().forEach(o -> declared.add("$" + o.getName() + (o.getDefinition().startsWith(OperationDefinitions.CANONICAL_BASE) ? " system" : " *")));
        rest.getInteraction().forEach(i -> declared.add(i.getCode().toCode()));

        // an operation defined elsewhere (e.g. Bulk Data's $export) is declared without a level we can check: any will do
        Set<String> external = new TreeSet<>();
        declared.stream().filter(d -> d.endsWith(" *")).forEach(d -> external.add(d.substring(0, d.length() - 2)));
        Set<String> leveled = new TreeSet<>(routed);
        routed.clear();
        leveled.forEach(r -> routed.add(external.contains(r.replaceFirst(" (type|instance|system)$", ""))
                ? r.replaceFirst(" (type|instance|system)$", "") + " *" : r));

        Set<String> notDeclared = new TreeSet<>(routed);
        notDeclared.removeAll(declared);
        Set<String> notRouted = new TreeSet<>(declared);
        notRouted.removeAll(routed);
        assertEquals(Set.of(), notDeclared, "routes under /fhir missing from the CapabilityStatement");
        assertEquals(Set.of(), notRouted, "CapabilityStatement lines without a route");

        // an operation that changes state is never invoked with GET (FHIR: GET only when affectsState is false)
        operationMethods.forEach((capability, methods) -> {
            String[] words = capability.split(" ");
            OperationDefinition definition = OperationDefinitions.byId(words[0] + "-" + words[1].substring(1)).orElse(null);
            if (definition != null && definition.getAffectsState()) {
                assertFalse(methods.contains("GET"), capability + " changes state but has a GET route");
            }
        });
    }

    @Test
    void routesAreNamedAsTheStatementNamesThem() {
        assertEquals("Task create", capability("POST", "/fhir/Task"));
        assertEquals("Task search-type", capability("GET", "/fhir/Task"));
        assertEquals("Task read", capability("GET", "/fhir/Task/{id}"));
        assertEquals("Task update", capability("PUT", "/fhir/Task/{id}"));
        assertEquals("Task delete", capability("DELETE", "/fhir/Task/{id}"));
        assertEquals("Task vread", capability("GET", "/fhir/Task/{id}/_history/{versionId}"));
        assertEquals("Task history-instance", capability("GET", "/fhir/Task/{id}/_history"));
        assertEquals("Group $export instance", capability("GET", "/fhir/Group/{id}/$export"));
        assertEquals("Questionnaire $next-question type", capability("POST", "/fhir/Questionnaire/$next-question"));
        assertEquals("$export system", capability("GET", "/fhir/$export"));
        assertEquals("transaction", capability("POST", "/fhir"));
        // a path that is no FHIR interaction can never be declared: it must be listed in NOT_FHIR_INTERACTIONS
        assertTrue(capability("GET", "/fhir/bulk-files/{job}/{file}").startsWith("unknown: "));
    }

    @Test
    void searchParametersHaveTypeAndDocumentation() {
        for (CapabilityStatementRestResourceComponent resource : statement.getRestFirstRep().getResource()) {
            resource.getSearchParam().forEach(p -> {
                assertTrue(p.hasType(), resource.getType() + "." + p.getName() + " type");
                assertTrue(p.hasDocumentation(), resource.getType() + "." + p.getName() + " documentation");
            });
            assertEquals(resource.getInteraction().stream().anyMatch(i -> i.getCode().toCode().equals("search-type")),
                    resource.hasSearchParam(), resource.getType() + ": search parameters exactly when searchable");
        }
    }

    @Test
    void everyOperationHasAPublishedValidDefinitionAndTheStatementIsValid() {
        assertTrue(statement.hasInstantiates(MetadataController.BULK_DATA));
        assertTrue(statement.getImplementationGuide().stream().anyMatch(g -> g.getValue().equals(MetadataController.SMART_APP_LAUNCH)));
        assertEquals(List.of(), errors(statement), "CapabilityStatement");

        Set<String> published = new TreeSet<>();
        for (CapabilityStatementRestResourceComponent resource : statement.getRestFirstRep().getResource()) {
            for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
                String canonical = operation.getDefinition();
                if (!canonical.startsWith(OperationDefinitions.CANONICAL_BASE)) {
                    assertTrue(canonical.startsWith("http://hl7.org/fhir/"), "defined by HL7 or by us: " + canonical);
                    continue;
                }
                String id = canonical.substring(OperationDefinitions.CANONICAL_BASE.length());
                FhirTestClient.Reply reply = anonymous.get("/fhir/OperationDefinition/" + id);
                assertEquals(200, reply.status(), id);
                OperationDefinition definition = reply.resource(OperationDefinition.class);
                assertEquals(canonical, definition.getUrl());
                assertEquals(operation.getName(), definition.getCode());
                assertTrue(definition.getResource().stream().anyMatch(r -> r.getValue().equals(resource.getType())), id);
                assertEquals(List.of(), errors(definition), id);
                published.add(id);
            }
        }
        assertEquals(OperationDefinitions.all().stream().map(d -> d.getIdElement().getIdPart()).collect(java.util.stream.Collectors.toCollection(TreeSet::new)),
                published, "every definition we publish is used by the statement");
        assertTrue(anonymous.get("/fhir/OperationDefinition/Patient-none").outcome(404).contains("Patient-none"));
        // XML too, like every FHIR read
        assertTrue(anonymous.get("/fhir/OperationDefinition/Patient-erase?_format=xml").body().startsWith("<OperationDefinition"));
    }

    private List<String> errors(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return catalog.validator().errors(resource, List.of()).stream().map(SingleValidationMessage::toString).toList();
    }

    /** Each route under /fhir as {method, path with %24 decoded and variables written {name}}. */
    private List<String[]> fhirRoutes() {
        List<String[]> routes = new ArrayList<>();
        router.uriRoutes().forEach((UriRouteInfo<?, ?> route) -> {
            String template = route.getUriMatchTemplate().toString();
            if (template.equals("/fhir") || template.startsWith("/fhir/")) {
                String path = URLDecoder.decode(template.replaceAll("\\{([^}:]+)[^}]*}", "{$1}"), StandardCharsets.UTF_8);
                routes.add(new String[]{route.getHttpMethodName(), path});
            }
        });
        return routes;
    }

    /** The statement line a route stands for. */
    static String capability(String method, String path) {
        List<String> s = new ArrayList<>(Arrays.asList(path.substring("/fhir".length()).split("/")));
        s.removeIf(String::isEmpty);
        boolean variable1 = s.size() > 1 && s.get(1).startsWith("{");
        String last = s.isEmpty() ? "" : s.get(s.size() - 1);
        if (s.isEmpty() && method.equals("POST")) {
            return "transaction";
        }
        if (s.equals(List.of("metadata")) && method.equals("GET")) {
            return "metadata";
        }
        if (s.size() == 1 && last.startsWith("$")) {
            return last + " system";
        }
        if (s.size() == 2 && last.startsWith("$")) {
            return s.get(0) + " " + last + " type";
        }
        if (s.size() == 3 && variable1 && last.startsWith("$")) {
            return s.get(0) + " " + last + " instance";
        }
        String interaction = switch (s.size() + " " + method) {
            case "1 GET" -> "search-type";
            case "1 POST" -> "create";
            case "2 GET" -> variable1 ? "read" : s.get(1).equals("_history") ? "history-type" : null;
            case "2 POST" -> s.get(1).equals("_search") ? "search-type" : null;
            case "2 PUT" -> variable1 ? "update" : null;
            case "2 PATCH" -> variable1 ? "patch" : null;
            case "2 DELETE" -> variable1 ? "delete" : null;
            case "3 GET" -> variable1 && last.equals("_history") ? "history-instance" : null;
            case "4 GET" -> variable1 && s.get(2).equals("_history") ? "vread" : null;
            default -> null;
        };
        return interaction == null ? "unknown: " + method + " " + path : s.get(0) + " " + interaction;
    }

    /** The level an operation of the statement is invoked on, from its definition (ours; others are named by type). */
    private static String level(String canonical, String type) {
        if (!canonical.startsWith(OperationDefinitions.CANONICAL_BASE)) {
            return "*";
        }
        OperationDefinition definition = OperationDefinitions.byId(canonical.substring(OperationDefinitions.CANONICAL_BASE.length()))
                .orElseThrow(() -> new AssertionError("no definition " + canonical));
        assertTrue(definition.getInstance() ^ definition.getType(), canonical + ": one level, instance or type");
        return definition.getInstance() ? "instance" : "type";
    }
}
