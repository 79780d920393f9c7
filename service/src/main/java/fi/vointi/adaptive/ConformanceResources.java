package fi.vointi.adaptive;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fi.vointi.catalog.ContentFile;
import fi.vointi.catalog.ContentFiles;
import fi.vointi.catalog.ProfileValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Our conformance resources (the jar's {@code fhir-profiles/} folder, plus optional folders such as a
 * county's questionnaire folder) for validating content outside the running service, e.g. in the
 * {@link BankImporter} command. Inside the service the catalog's own validator is used.
 */
final class ConformanceResources {
    private static final String FOLDER = "fhir-profiles";

    private ConformanceResources() {
    }

    /** A validator with the FHIR core definitions, our profiles and the StructureDefinitions/CodeSystems/ValueSets in {@code extraFolders}. */
    static ProfileValidator validator(FhirContext context, List<Path> extraFolders) {
        List<IBaseResource> resources = new ArrayList<>(fromClasspath(context));
        for (Path folder : extraFolders) {
            resources.addAll(fromFolder(context, folder));
        }
        return new ProfileValidator(context, resources);
    }

    static List<IBaseResource> fromClasspath(FhirContext context) {
        return conformance(context, ContentFiles.fromClasspath(FOLDER, ConformanceResources.class.getClassLoader()));
    }

    /** The StructureDefinitions, CodeSystems and ValueSets among the *.json files below a folder (others are skipped). */
    static List<IBaseResource> fromFolder(FhirContext context, Path folder) {
        return conformance(context, ContentFiles.fromDirectory(folder));
    }

    private static List<IBaseResource> conformance(FhirContext context, List<ContentFile> files) {
        List<IBaseResource> resources = new ArrayList<>();
        for (ContentFile file : files) {
            IBaseResource resource;
            try {
                resource = context.newJsonParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(file.json());
            } catch (DataFormatException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file.source() + ": not a valid FHIR JSON resource: " + e.getMessage(), e);
            }
            if (resource instanceof StructureDefinition || resource instanceof CodeSystem || resource instanceof ValueSet) {
                resources.add(resource);
            }
        }
        return resources;
    }
}
