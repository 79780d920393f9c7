package fi.vointi.organization;

import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.Location;

/**
 * {@code /fhir/Location}: service points (reception, kiosk, ward) of the units. Staff and backend
 * clients with {@code system/Location.rs} read; administrators write. See docs/organization.md.
 */
@Controller("/fhir/Location")
@Secured(SecurityRule.IS_ANONYMOUS) // who may do what is decided per request by AccessPolicy
@ExecuteOn(TaskExecutors.BLOCKING)
public class LocationController extends StructureController<Location> {
    LocationController(OrganizationService service, OrganizationSearch search, Parts parts) {
        super(Location.class, OrganizationSearch.LOCATION_SPEC, parts, new Operations<>(service::createLocation, service::readLocation,
                service::updateLocation, service::deleteLocation, search::locations));
    }
}
