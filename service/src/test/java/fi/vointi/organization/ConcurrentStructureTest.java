package fi.vointi.organization;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static fi.vointi.organization.OrganizationFixtures.ORG;
import static fi.vointi.organization.OrganizationFixtures.create;
import static fi.vointi.organization.OrganizationFixtures.organization;
import static fi.vointi.organization.OrganizationFixtures.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two administrators changing the structure at once: a service moved to another area while units are created
 * under it (and other services moved). Whatever the interleaving, the closure table must equal the one the parent
 * links give; a write that loses the race may be refused (409), never stored half-right.
 */
@MicronautTest(transactional = false)
class ConcurrentStructureTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;

    @Test
    void concurrentMovesAndCreatesKeepTheClosureTableTrue() throws Exception {
        FhirTestClient admin = new FhirTestClient(server).as(new Tokens(issuer).admin());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String county = create(admin, organization("county", "Rinnakkaisalue " + run, null));
        String otherCounty = create(admin, organization("county", "Toinen rinnakkaisalue " + run, null));
        String[] areas = {create(admin, organization("area", "Alue A " + run, county)),
                create(admin, organization("area", "Alue B " + run, otherCounty))};
        String service = create(admin, organization("service", "Palvelu " + run, areas[0]));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 12; round++) {
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
}
