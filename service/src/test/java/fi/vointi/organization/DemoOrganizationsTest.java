package fi.vointi.organization;

import fi.vointi.fhir.FhirJson;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo county is loaded at start-up (idempotently) and holds the demo users' units; UnitTree answers over it. */
@MicronautTest
class DemoOrganizationsTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;
    @Inject
    UnitTree tree;
    @Inject
    OrganizationService service;
    @Inject
    FhirJson json;

    @Test
    void theDemoCountyHoldsTheDemoUnitsInThreeLanguages() {
        FhirTestClient sari = new FhirTestClient(server).as(new Tokens(issuer).issue("demo-manager-sari",
                DemoUsers.byName("demo-manager-sari").orElseThrow().claims()));
        Organization county = sari.get("/fhir/Organization/demo-county").resource(Organization.class);
        assertEquals("Vointin demohyvinvointialue", county.getName());
        Map<String, String> translations = county.getNameElement().getExtensionsByUrl(NameSearch.TRANSLATION).stream()
                .collect(Collectors.toMap(t -> t.getExtensionString("lang"), t -> t.getExtensionString("content")));
        assertEquals(Map.of("sv", "Vointis demovälfärdsområde", "en", "Vointi demo county"), translations);

        for (String unit : List.of(DemoUsers.UNIT_CHILD_PSYCHIATRY, DemoUsers.UNIT_PAIN_CLINIC, DemoUsers.UNIT_HEALTH_CENTRE)) {
            UnitNode node = tree.find(unit).orElseThrow(() -> new AssertionError(unit + " is missing"));
            assertEquals(OrganizationLevel.UNIT, node.level());
            assertTrue(node.feedbackEnabled(), unit);
            assertEquals("demo-county", tree.ancestors(unit).get(2), unit + " lies in the demo county");
        }
        assertEquals(Set.of("demo-area-health", "demo-area-family"), ids(sari, "/fhir/Organization?partof=demo-county"));
        assertTrue(ids(sari, "/fhir/Organization?type=unit&name=" + enc("vointila health")).contains(DemoUsers.UNIT_HEALTH_CENTRE));
        Location kiosk = sari.get("/fhir/Location/demo-location-health-centre-kiosk").resource(Location.class);
        assertEquals("Organization/" + DemoUsers.UNIT_HEALTH_CENTRE, kiosk.getManagingOrganization().getReference());
    }

    @Test
    void unitTreeAnswersFromTheHierarchy() {
        assertEquals(List.of("demo-service-primary-care", "demo-area-health", "demo-county"),
                tree.ancestors(DemoUsers.UNIT_HEALTH_CENTRE));
        assertEquals(List.of(), tree.ancestors("demo-county"));
        assertEquals(List.of(), tree.ancestors("no-such-unit"));
        Set<String> health = tree.subtree("Organization/demo-area-health");
        assertEquals(Set.of("demo-area-health", "demo-service-primary-care", "demo-unit-health-centre",
                "demo-service-specialist-care", "demo-unit-pain-clinic"), health);
        assertEquals("demo-area-health", health.iterator().next(), "nearest first");
        assertEquals(Set.of(), tree.subtree("no-such-unit"));
        assertEquals(List.of("demo-service-primary-care", "demo-service-specialist-care"),
                tree.children("demo-area-health").stream().map(UnitNode::id).toList());
        assertEquals(List.of(), tree.children(DemoUsers.UNIT_PAIN_CLINIC));
        assertTrue(tree.isWithin(DemoUsers.UNIT_PAIN_CLINIC, List.of("demo-area-family", "demo-area-health")));
        assertTrue(tree.isWithin("Organization/" + DemoUsers.UNIT_PAIN_CLINIC, List.of(DemoUsers.UNIT_PAIN_CLINIC)));
        assertFalse(tree.isWithin(DemoUsers.UNIT_CHILD_PSYCHIATRY, List.of("demo-area-health")));
        assertFalse(tree.isWithin(DemoUsers.UNIT_CHILD_PSYCHIATRY, List.of()));
        assertTrue(tree.isWithin("unknown-unit", List.of("unknown-unit")));
        assertEquals(Set.of("demo-service-family-support", "demo-unit-family-counselling", "unknown-unit"),
                tree.expand(Set.of("demo-service-family-support", "unknown-unit")));
        assertFalse(tree.find("demo-unit-family-counselling").orElseThrow().feedbackEnabled());
        assertEquals("Organization/demo-county", tree.find("Organization/demo-county").orElseThrow().reference());
    }

    @Test
    void loadingAgainChangesNothing() {
        long units = Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit");
        long pairs = Db.count(dataSource, "SELECT COUNT(*) FROM organization_closure");
        long locations = Db.count(dataSource, "SELECT COUNT(*) FROM service_location");
        new DemoOrganizations(json, service);
        assertEquals(units, Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit"));
        assertEquals(pairs, Db.count(dataSource, "SELECT COUNT(*) FROM organization_closure"));
        assertEquals(locations, Db.count(dataSource, "SELECT COUNT(*) FROM service_location"));
        assertEquals(1, Db.count(dataSource, "SELECT version_id FROM organization_unit WHERE id = 'demo-county'"));
        assertEquals(11, Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit WHERE id LIKE 'demo-%'"));
    }

    private static Set<String> ids(FhirTestClient client, String path) {
        return client.get(path).resource(Bundle.class).getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart()).collect(Collectors.toSet());
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
