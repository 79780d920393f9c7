package fi.vointi.organization;

import fi.vointi.support.FhirTestClient;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Builds Organizations and Locations and creates them over HTTP as an administrator. */
final class OrganizationFixtures {
    static final String ORG = "/fhir/Organization";
    static final String LOC = "/fhir/Location";

    private OrganizationFixtures() {
    }

    static Organization organization(String level, String name, String parentId) {
        Organization organization = new Organization();
        organization.addType(new CodeableConcept(new Coding(OrganizationLevel.SYSTEM, level, null)));
        organization.setName(name);
        if (parentId != null) {
            organization.setPartOf(new Reference("Organization/" + parentId));
        }
        return organization;
    }

    static Organization unit(String name, String parentId, boolean feedback) {
        Organization unit = organization("unit", name, parentId);
        unit.addExtension(OrganizationService.FEEDBACK_ENABLED_EXTENSION, new BooleanType(feedback));
        return unit;
    }

    static Location location(String name, String unitId) {
        Location location = new Location();
        location.setName(name);
        location.setManagingOrganization(new Reference("Organization/" + unitId));
        return location;
    }

    /** Creates and returns the new id. */
    static String create(FhirTestClient admin, Organization organization) {
        FhirTestClient.Reply reply = admin.post(ORG, organization);
        assertEquals(201, reply.status(), reply::body);
        return reply.resource(Organization.class).getIdElement().getIdPart();
    }

    static String create(FhirTestClient admin, Location location) {
        FhirTestClient.Reply reply = admin.post(LOC, location);
        assertEquals(201, reply.status(), reply::body);
        return reply.resource(Location.class).getIdElement().getIdPart();
    }

    /** A county → area → service → unit chain with unique names; ids in that order. */
    static String[] chain(FhirTestClient admin, String run) {
        String county = create(admin, organization("county", "Testialue " + run, null));
        String area = create(admin, organization("area", "Testipalvelualue " + run, county));
        String service = create(admin, organization("service", "Testipalvelu " + run, area));
        String unit = create(admin, unit("Testiyksikkö " + run, service, true));
        return new String[]{county, area, service, unit};
    }
}
