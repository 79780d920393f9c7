package fi.vointi.organization;

import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Organization;

/**
 * {@code /fhir/Organization}: the county's hierarchy (county → service area → service → unit). Staff and backend
 * clients with {@code system/Organization.rs} read; administrators write. See docs/organization.md.
 */
@Controller("/fhir/Organization")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class OrganizationController extends StructureController<Organization> {
    OrganizationController(OrganizationService service, OrganizationSearch search, Parts parts) {
        super(Organization.class, OrganizationSearch.ORGANIZATION_SPEC, parts, new Operations<>(service::create, service::read,
                service::update, service::delete, search::organizations));
    }
}
