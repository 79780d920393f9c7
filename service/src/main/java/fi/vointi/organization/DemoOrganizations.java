package fi.vointi.organization;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads the demo county (classpath {@value #BUNDLE}, a FHIR collection Bundle, parents before children) at start-up
 * when {@code vointi.demo.organizations} is true, the default of the embedded demo run. Idempotent: an
 * Organization or Location whose id already exists is left as it is (an administrator may have changed it).
 * Production sets the key to false.
 */
@Context
@Requires(property = "vointi.demo.organizations", value = "true", defaultValue = "true")
public class DemoOrganizations {
    static final String BUNDLE = "demo/vointi-demo-county.json";
    private static final Logger LOG = LoggerFactory.getLogger(DemoOrganizations.class);

    public DemoOrganizations(FhirJson json, OrganizationService service) {
        Bundle bundle = json.parseStored(read(), Bundle.class);
        int added = 0;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            String id = resource.getIdElement().getIdPart();
            try {
                if (service.createIfAbsent(resource, id)) {
                    added++;
                }
            } catch (FhirException e) {
                throw new ConfigurationException(BUNDLE + ": " + resource.fhirType() + "/" + id + " is invalid: " + e.getMessage());
            }
        }
        LOG.info("Demo organisation structure ({}): {} of {} resources added", BUNDLE, added, bundle.getEntry().size());
    }

    private static String read() {
        try (InputStream in = DemoOrganizations.class.getClassLoader().getResourceAsStream(BUNDLE)) {
            if (in == null) {
                throw new ConfigurationException(BUNDLE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
