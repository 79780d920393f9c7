package fi.vointi.adaptive;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fi.vointi.catalog.ProfileValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
        URL url = ConformanceResources.class.getClassLoader().getResource(FOLDER);
        if (url == null) {
            throw new IllegalStateException("the classpath has no " + FOLDER + " folder");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                return fromFolder(context, jar.getPath(FOLDER));
            }
            return fromFolder(context, Path.of(uri));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read " + url, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }

    /** The StructureDefinitions, CodeSystems and ValueSets among the *.json files below a folder (others are skipped). */
    static List<IBaseResource> fromFolder(FhirContext context, Path folder) {
        List<IBaseResource> resources = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase().endsWith(".json")).sorted().toList()) {
                IBaseResource resource;
                try {
                    resource = context.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                            .parseResource(Files.readString(file, StandardCharsets.UTF_8));
                } catch (DataFormatException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": not a valid FHIR JSON resource: " + e.getMessage(), e);
                }
                if (resource instanceof StructureDefinition || resource instanceof CodeSystem || resource instanceof ValueSet) {
                    resources.add(resource);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read folder " + folder, e);
        }
        return resources;
    }
}
