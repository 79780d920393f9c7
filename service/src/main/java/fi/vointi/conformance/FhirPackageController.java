package fi.vointi.conformance;

import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.catalog.VersionOrder;
import fi.vointi.fhir.FhirJson;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MetadataResource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /fhir-package/package.tgz} (and the same under its versioned name, {@code /fhir-package/vointi.fhir-[version].tgz}):
 * the FHIR package of the conformance resources the service has loaded (fhir-profiles/ and the county's folder) plus the
 * OperationDefinitions. Built once at start-up: the resources never change while the service runs. Public.
 */
@Controller("/fhir-package")
@Secured(SecurityRule.IS_ANONYMOUS)
public class FhirPackageController {
    static final String MEDIA_TYPE = "application/gzip";
    private final FhirPackage fhirPackage;

    public FhirPackageController(QuestionnaireCatalog catalog, FhirJson json, JsonMapper mapper,
                                 @Nullable @Value("${vointi.fhir.package.version:}") String configuredVersion) {
        List<IBaseResource> resources = new ArrayList<>(catalog.conformanceResources());
        resources.addAll(OperationDefinitions.all());
        String version = configuredVersion != null && !configuredVersion.isBlank() ? configuredVersion.trim()
                : newestVersion(resources);
        this.fhirPackage = FhirPackage.build(json.context(), mapper, resources, version, Instant.now());
    }

    @Get(uri = "/package.tgz", produces = MEDIA_TYPE)
    public HttpResponse<byte[]> current() {
        return HttpResponse.ok(fhirPackage.bytes()).contentType(MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + fhirPackage.fileName() + "\"");
    }

    @Get(uri = "/{file}", produces = MEDIA_TYPE)
    public HttpResponse<byte[]> byName(@PathVariable String file) {
        if (!file.equals(fhirPackage.fileName())) {
            // bytes with their own type: a gzip route cannot encode an error object
            return HttpResponse.<byte[]>notFound(("Unknown package file; the current one is " + fhirPackage.fileName())
                    .getBytes(StandardCharsets.UTF_8)).contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        return current();
    }

    /** Without configuration the package is as new as its newest resource (resources are versioned when they change). */
    static String newestVersion(List<IBaseResource> resources) {
        return resources.stream().filter(r -> r instanceof MetadataResource m && m.hasVersion())
                .map(r -> ((MetadataResource) r).getVersion()).max(VersionOrder.INSTANCE).orElse("0.0.0");
    }
}
