package fi.vointi.organization;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static fi.vointi.organization.OrganizationFixtures.LOC;
import static fi.vointi.organization.OrganizationFixtures.ORG;
import static fi.vointi.organization.OrganizationFixtures.chain;
import static fi.vointi.organization.OrganizationFixtures.create;
import static fi.vointi.organization.OrganizationFixtures.location;
import static fi.vointi.organization.OrganizationFixtures.organization;
import static fi.vointi.organization.OrganizationFixtures.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Organization and Location over HTTP: create, read, update, delete, search, the hierarchy rules and bad input. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationApiTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;

    FhirTestClient anonymous;
    FhirTestClient admin;
    FhirTestClient manager;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void setUp() {
        Tokens tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        admin = anonymous.as(tokens.admin());
        manager = anonymous.as(tokens.unitManager("demo-unit-health-centre"));
    }

    @Test
    void createReadUpdateAndDelete() {
        String county = create(admin, organization("county", "CRUD-alue " + run, null));
        Reply created = admin.post(ORG, organization("area", "CRUD-palvelualue " + run, county));
        assertEquals(201, created.status(), created::body);
        Organization area = created.resource(Organization.class);
        String id = area.getIdElement().getIdPart();
        assertTrue(created.header("Location").endsWith("/fhir/Organization/" + id), created.header("Location"));
        assertEquals("W/\"1\"", created.header("ETag"));
        assertTrue(area.getActive(), "active is stored explicitly (default true)");

        Organization read = manager.get(ORG + "/" + id).resource(Organization.class);
        assertEquals("CRUD-palvelualue " + run, read.getName());
        assertEquals("Organization/" + county, read.getPartOf().getReference());
        assertEquals("1", read.getMeta().getVersionId());

        read.setName("CRUD-palvelualue uusi " + run);
        admin.put(ORG + "/" + id, read).outcome(428);
        admin.put(ORG + "/" + id, read, "If-Match", "W/\"7\"").outcome(412);
        Reply updated = admin.put(ORG + "/" + id, read, "If-Match", "W/\"1\"");
        assertEquals(200, updated.status(), updated::body);
        assertEquals("W/\"2\"", updated.header("ETag"));
        assertEquals("CRUD-palvelualue uusi " + run, admin.get(ORG + "/" + id).resource(Organization.class).getName());

        // PUT cannot create (ids are the server's), and the body must name the same resource
        Organization unknown = organization("county", "x", null);
        unknown.setId("no-such-" + run);
        admin.put(ORG + "/no-such-" + run, unknown, "If-Match", "W/\"1\"").outcome(405);
        admin.put(ORG + "/" + county, read, "If-Match", "W/\"1\"").outcome(400);

        // a parent cannot be deleted or deactivated while it has children
        assertTrue(admin.delete(ORG + "/" + county).outcome(409).contains("1 child organisation"));
        Organization countyRead = admin.get(ORG + "/" + county).resource(Organization.class);
        countyRead.setActive(false);
        assertTrue(admin.put(ORG + "/" + county, countyRead, "If-Match", "W/\"1\"").outcome(409).contains("deactivate them first"));

        // deactivation bottom-up is the normal way to retire; deletion is for mistakes
        Organization areaNow = admin.get(ORG + "/" + id).resource(Organization.class);
        areaNow.setActive(false);
        assertEquals(200, admin.put(ORG + "/" + id, areaNow, "If-Match", "W/\"2\"").status());
        assertEquals(200, admin.put(ORG + "/" + county, countyRead, "If-Match", "W/\"1\"").status());
        assertEquals(204, admin.delete(ORG + "/" + id).status());
        admin.get(ORG + "/" + id).outcome(404);
        admin.delete(ORG + "/" + id).outcome(404);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM organization_closure WHERE descendant_id = ? OR ancestor_id = ?", id, id));
        assertEquals(204, admin.delete(ORG + "/" + county).status());
    }

    @Test
    void deleteIsRefusedWhileLocationsOrResponsesReferToTheUnit() {
        String[] ids = chain(admin, "del-" + run);
        String unitId = ids[3];
        String locationId = create(admin, location("Kioski " + run, unitId));
        String message = admin.delete(ORG + "/" + unitId).outcome(409);
        assertTrue(message.contains("1 location") && message.contains("active to false"), message);
        assertEquals(204, admin.delete(LOC + "/" + locationId).status());

        // a response about the unit (anonymous feedback) keeps the unit from being deleted
        var feedback = anonymous.get("/fhir/Questionnaire/demo-customer-feedback").resource(org.hl7.fhir.r4.model.Questionnaire.class);
        var response = fi.vointi.support.ResponseBuilder.answering(feedback).answerAllRequired().build("completed", null);
        response.addExtension(fi.vointi.responses.ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unitId));
        assertEquals(201, anonymous.post("/fhir/QuestionnaireResponse", response).status());
        assertTrue(admin.delete(ORG + "/" + unitId).outcome(409).contains("1 QuestionnaireResponse"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit WHERE id = ?", unitId));
    }

    @Test
    void hierarchyRulesAreEnforcedAndNothingIsStored() {
        String[] ids = chain(admin, "rules-" + run);
        String county = ids[0];
        String area = ids[1];
        String service = ids[2];
        String unit = ids[3];
        long before = Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit");
        long closureBefore = Db.count(dataSource, "SELECT COUNT(*) FROM organization_closure");

        assertTrue(admin.post(ORG, organization("service", "väärä taso", county)).outcome(422)
                .contains("level 'service' must be part of level 'area', but Organization/" + county + " is 'county'"));
        assertTrue(admin.post(ORG, organization("unit", "ei vanhempaa", null)).outcome(422).contains("partOf is required"));
        assertTrue(admin.post(ORG, organization("county", "alue alueessa", county)).outcome(422).contains("has no partOf"));
        assertTrue(admin.post(ORG, organization("area", "tuntematon", "no-such-" + run)).outcome(422).contains("is not known"));
        assertTrue(admin.post(ORG, organization("region", "outo taso", county)).outcome(422).contains("Unknown organisation level"));
        Organization untyped = organization("area", "tyypitön", county);
        untyped.getType().clear();
        assertTrue(admin.post(ORG, untyped).outcome(422).contains("exactly one coding"));
        Organization nameless = organization("area", null, county);
        assertTrue(admin.post(ORG, nameless).outcome(422).contains("name is required"));
        Organization badReference = organization("area", "viite", null);
        badReference.setPartOf(new Reference("Patient/" + county));
        assertTrue(admin.post(ORG, badReference).outcome(422).contains("literal reference"));
        Organization badFlag = unit("lippu", service, true);
        badFlag.getExtensionByUrl(OrganizationService.FEEDBACK_ENABLED_EXTENSION).setValue(new StringType("yes"));
        admin.post(ORG, badFlag).outcome(422);
        Organization twoFlags = unit("liput", service, true);
        twoFlags.addExtension(new Extension(OrganizationService.FEEDBACK_ENABLED_EXTENSION, new org.hl7.fhir.r4.model.BooleanType(false)));
        admin.post(ORG, twoFlags).outcome(422);

        // moves: into its own subtree (cycle), to the wrong level, to an unknown parent
        Organization areaRead = admin.get(ORG + "/" + area).resource(Organization.class);
        areaRead.setPartOf(new Reference("Organization/" + service));
        assertTrue(admin.put(ORG + "/" + area, areaRead, "If-Match", "W/\"1\"").outcome(422).contains("would make a cycle"));
        areaRead.setPartOf(new Reference("Organization/" + area));
        assertTrue(admin.put(ORG + "/" + area, areaRead, "If-Match", "W/\"1\"").outcome(422).contains("would make a cycle"));
        Organization unitRead = admin.get(ORG + "/" + unit).resource(Organization.class);
        unitRead.setPartOf(new Reference("Organization/" + area));
        assertTrue(admin.put(ORG + "/" + unit, unitRead, "If-Match", "W/\"1\"").outcome(422).contains("must be part of level 'service'"));
        unitRead.setPartOf(new Reference("Organization/gone-" + run));
        admin.put(ORG + "/" + unit, unitRead, "If-Match", "W/\"1\"").outcome(422);
        // a level change that would strand the children
        Organization serviceAsUnit = admin.get(ORG + "/" + service).resource(Organization.class);
        serviceAsUnit.getTypeFirstRep().getCodingFirstRep().setCode("unit");
        assertTrue(admin.put(ORG + "/" + service, serviceAsUnit, "If-Match", "W/\"1\"").outcome(422).contains("must be part of level 'service'"));
        Organization areaAsCounty = admin.get(ORG + "/" + area).resource(Organization.class);
        areaAsCounty.getTypeFirstRep().getCodingFirstRep().setCode("county");
        areaAsCounty.setPartOf(null);
        assertTrue(admin.put(ORG + "/" + area, areaAsCounty, "If-Match", "W/\"1\"").outcome(422).contains("wrong level"));
        // an active child under an inactive parent
        String spare = create(admin, organization("service", "Varapalvelu " + run, area));
        Organization spareRead = admin.get(ORG + "/" + spare).resource(Organization.class);
        spareRead.setActive(false);
        assertEquals(200, admin.put(ORG + "/" + spare, spareRead, "If-Match", "W/\"1\"").status());
        assertTrue(admin.post(ORG, unit("Uusi " + run, spare, true)).outcome(422).contains("inactive"));

        assertEquals(before + 1, Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit"), "only the spare service was added");
        assertEquals(closureBefore + 3, Db.count(dataSource, "SELECT COUNT(*) FROM organization_closure"));
        assertEquals("1", admin.get(ORG + "/" + area).resource(Organization.class).getMeta().getVersionId());
        assertEquals("1", admin.get(ORG + "/" + unit).resource(Organization.class).getMeta().getVersionId());
    }

    @Test
    void movingASubtreeRewritesItsClosurePairs() {
        String[] first = chain(admin, "move1-" + run);
        String secondCounty = create(admin, organization("county", "Toinen alue " + run, null));
        String area = first[1];
        String service = first[2];
        String unit = first[3];
        String extraUnit = create(admin, unit("Toinen yksikkö " + run, service, false));

        Organization areaRead = admin.get(ORG + "/" + area).resource(Organization.class);
        areaRead.setPartOf(new Reference("Organization/" + secondCounty));
        Reply moved = admin.put(ORG + "/" + area, areaRead, "If-Match", "W/\"1\"");
        assertEquals(200, moved.status(), moved::body);

        assertEquals(List.of(unit + ":0", service + ":1", area + ":2", secondCounty + ":3"), ancestry(unit));
        assertEquals(List.of(extraUnit + ":0", service + ":1", area + ":2", secondCounty + ":3"), ancestry(extraUnit));
        assertEquals(List.of(area + ":0", secondCounty + ":1"), ancestry(area));
        assertEquals(List.of(first[0] + ":0"), ancestry(first[0]), "the old county keeps only itself");
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM organization_closure WHERE ancestor_id = ? AND depth > 0", first[0]));
        // the closure table equals the one computed from the parent links, for every organisation
        assertEquals(0, Db.count(dataSource, ClosureRows.DIFFERENCES_FROM_PARENT_LINKS));
    }

    /**
     * Two administrators changing the structure at once: a service moved to another area while units are created
     * under it. Whatever the interleaving, the closure table must equal the one the parent links give; a write that
     * loses the race may be refused (409), never stored half-right.
     */
    @Test
    void concurrentMovesAndCreatesKeepTheClosureTableTrue() throws Exception {
        String county = create(admin, organization("county", "Rinnakkaisalue " + run, null));
        String otherCounty = create(admin, organization("county", "Toinen rinnakkaisalue " + run, null));
        String[] areas = {create(admin, organization("area", "Alue A " + run, county)),
                create(admin, organization("area", "Alue B " + run, otherCounty))};
        String service = create(admin, organization("service", "Palvelu " + run, areas[0]));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 30; round++) {
                String target = areas[(round + 1) % 2];
                List<Callable<Integer>> work = new ArrayList<>();
                work.add(() -> move(admin, service, target));
                for (int i = 0; i < 3; i++) {
                    String name = "Yksikkö " + run + "-" + round + "-" + i;
                    work.add(() -> admin.post(ORG, unit(name, service, false)).status());
                }
                for (Future<Integer> result : pool.invokeAll(work)) {
                    assertTrue(Set.of(200, 201, 409).contains(result.get()), "status " + result.get());
                }
                assertEquals(0, Db.count(dataSource, ClosureRows.DIFFERENCES_FROM_PARENT_LINKS), "closure differs from the parent links in round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int move(FhirTestClient admin, String id, String newParent) {
        Reply read = admin.get(ORG + "/" + id);
        Organization organization = read.resource(Organization.class);
        organization.setPartOf(new Reference("Organization/" + newParent));
        return admin.put(ORG + "/" + id, organization, "If-Match", "W/\"" + organization.getMeta().getVersionId() + "\"").status();
    }

    @Test
    void searchByNameParentTypeAndActive() {
        String[] ids = chain(admin, "haku-" + run);
        Organization swedish = organization("service", "Äänipalvelu " + run, ids[1]);
        swedish.getNameElement().addExtension(translation("sv", "Ljudtjänst " + run));
        swedish.getNameElement().addExtension(translation("en", "Sound service " + run));
        String sound = create(admin, swedish);

        assertEquals(sorted(ids[2], sound), ids("?partof=Organization/" + ids[1]));
        assertEquals(sorted(ids[2], sound), ids("?partof=" + ids[1] + "&type=service"));
        assertEquals(List.of(ids[3]), ids("?partof=" + ids[2] + "&type=" + enc(OrganizationLevel.SYSTEM + "|unit")));
        assertEquals(List.of(), ids("?partof=" + ids[2] + "&type=" + enc("http://other.example|unit")));
        assertEquals(List.of(ids[1]), ids("?_id=" + ids[1]));
        assertEquals(sorted(ids[1], sound), ids("?_id=" + ids[1] + "," + sound));
        // names: prefix without case or accents, in any language; :exact; :contains
        assertEquals(List.of(sound), ids("?name=" + enc("aanipalvelu " + run)));
        assertEquals(List.of(sound), ids("?name=" + enc("ljudtjanst " + run)));
        assertEquals(List.of(sound), ids("?name=" + enc("Sound service " + run)));
        assertEquals(List.of(sound), ids("?name:exact=" + enc("Äänipalvelu " + run)));
        assertEquals(List.of(), ids("?name:exact=" + enc("äänipalvelu " + run)));
        assertEquals(List.of(sound), ids("?name:contains=" + enc("SERVICE " + run)));
        assertEquals(List.of(), ids("?name=" + enc("service " + run)), "default is a prefix match");
        assertEquals(List.of(), ids("?name=" + enc("%" + run)), "LIKE wildcards are literal");

        Organization soundRead = admin.get(ORG + "/" + sound).resource(Organization.class);
        soundRead.setActive(false);
        assertEquals(200, admin.put(ORG + "/" + sound, soundRead, "If-Match", "W/\"1\"").status());
        assertEquals(List.of(ids[2]), ids("?partof=" + ids[1] + "&active=true"));
        assertEquals(List.of(sound), ids("?partof=" + ids[1] + "&active=false"));

        Bundle paged = manager.get(ORG + "?partof=" + ids[1] + "&_count=1&_total=accurate").resource(Bundle.class);
        assertEquals(2, paged.getTotal());
        assertEquals(1, paged.getEntry().size());
        assertTrue(paged.getLink("next").getUrl().contains("_offset=1"));
        assertTrue(paged.getEntryFirstRep().getFullUrl().endsWith("/fhir/Organization/" + paged.getEntryFirstRep().getResource().getIdElement().getIdPart()));

        manager.get(ORG + "?active=maybe").outcome(400);
        manager.get(ORG + "?partof=Patient/x").outcome(400);
        manager.get(ORG + "?organization=x").outcome(400);
        manager.get(ORG + "?name:below=x").outcome(400);
        manager.get(ORG + "?_sort=type").outcome(400);
    }

    @Test
    void locationsBelongToActiveUnits() {
        String[] ids = chain(admin, "loc-" + run);
        Location kiosk = location("Palautekioski " + run, ids[3]);
        kiosk.getNameElement().addExtension(translation("en", "Feedback kiosk " + run));
        String kioskId = create(admin, kiosk);
        Location read = manager.get(LOC + "/" + kioskId).resource(Location.class);
        assertEquals(Location.LocationStatus.ACTIVE, read.getStatus(), "status defaults to active");
        assertEquals(List.of(kioskId), locationIds("?organization=Organization/" + ids[3]));
        assertEquals(List.of(kioskId), locationIds("?organization=" + ids[3] + "&name=" + enc("feedback kiosk " + run)));
        assertEquals(List.of(), locationIds("?organization=" + ids[2]));

        read.setDescription("Aulassa");
        admin.put(LOC + "/" + kioskId, read).outcome(428);
        Reply updated = admin.put(LOC + "/" + kioskId, read, "If-Match", "W/\"1\"");
        assertEquals(200, updated.status(), updated::body);
        assertEquals("W/\"2\"", updated.header("ETag"));

        assertTrue(admin.post(LOC, location("Palvelun kioski", ids[2])).outcome(422).contains("belongs to a unit"));
        assertTrue(admin.post(LOC, location("Tuntematon", "no-such-" + run)).outcome(422).contains("is not known"));
        assertTrue(admin.post(LOC, new Location().setName("Orpo")).outcome(422).contains("managingOrganization is required"));
        Location nested = location("Sisäkkäinen", ids[3]);
        nested.setPartOf(new Reference("Location/" + kioskId));
        assertTrue(admin.post(LOC, nested).outcome(422).contains("partOf is not supported"));
        manager.get(LOC + "?partof=x").outcome(400);

        assertEquals(204, admin.delete(LOC + "/" + kioskId).status());
        manager.get(LOC + "/" + kioskId).outcome(404);
    }

    @Test
    void badInputIsRefusedWithAnOperationOutcome() {
        admin.post(ORG, "{not json").outcome(400);
        admin.post(ORG, "").outcome(400);
        admin.post(ORG, "{\"resourceType\":\"Patient\"}").outcome(400);
        admin.post(ORG, "{\"resourceType\":\"Organization\",\"name\":\"x\",\"colour\":\"red\"}").outcome(400);
        admin.post(LOC, "{\"resourceType\":\"Location\",\"status\":\"sleeping\"}").outcome(400);
        manager.get(ORG + "/no-such-" + run).outcome(404);
        manager.get(LOC + "/no-such-" + run).outcome(404);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM organization_unit WHERE name = 'x'"));
    }

    @Test
    void onlyAdministratorsWriteAndStaffOrScopedClientsRead() {
        Tokens tokens = new Tokens(issuer);
        String county = create(admin, organization("county", "Pääsy " + run, null));
        Organization area = organization("area", "Pääsyalue " + run, county);
        anonymous.get(ORG + "/" + county).outcome(401);
        anonymous.get(ORG).outcome(401);
        anonymous.post(ORG, area).outcome(401);
        FhirTestClient patient = anonymous.as(tokens.patient("p-" + run));
        patient.get(ORG + "/" + county).outcome(403);
        patient.get(LOC).outcome(403);
        patient.post(ORG, area).outcome(403);
        manager.post(ORG, area).outcome(403);
        manager.delete(ORG + "/" + county).outcome(403);
        anonymous.as(tokens.clinician("demo-unit-pain-clinic")).post(LOC, location("x", "demo-unit-pain-clinic")).outcome(403);
        assertEquals(200, anonymous.as(tokens.clinician("demo-unit-pain-clinic")).get(ORG + "/" + county).status());
        assertEquals(200, manager.get(ORG + "?_id=" + county).status());
        assertEquals(200, anonymous.as(tokens.system("org-reader-" + run, "system/Organization.rs")).get(ORG + "/" + county).status());
        anonymous.as(tokens.system("org-reader-" + run, "system/Organization.rs")).get(LOC).outcome(403);
        anonymous.as(tokens.system("qr-reader-" + run, "system/QuestionnaireResponse.rs")).get(ORG).outcome(403);
        anonymous.as(tokens.system("org-writer-" + run, "system/Organization.cruds")).post(ORG, area).outcome(403);
        assertEquals(201, admin.post(ORG, area).status());
    }

    private List<String> ancestry(String id) {
        return new ClosureRows(dataSource).ancestry(id);
    }

    private List<String> ids(String query) {
        Reply reply = manager.get(ORG + query);
        assertEquals(200, reply.status(), reply::body);
        return reply.resource(Bundle.class).getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).sorted().toList();
    }

    private List<String> locationIds(String query) {
        Reply reply = manager.get(LOC + query);
        assertEquals(200, reply.status(), reply::body);
        return reply.resource(Bundle.class).getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).sorted().toList();
    }

    static Extension translation(String language, String content) {
        Extension translation = new Extension(NameSearch.TRANSLATION);
        translation.addExtension("lang", new org.hl7.fhir.r4.model.CodeType(language));
        translation.addExtension("content", new StringType(content));
        return translation;
    }

    private static List<String> sorted(String... ids) {
        return java.util.Arrays.stream(ids).sorted().toList();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
