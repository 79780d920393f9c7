package fi.vointi.conformance;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.json.JsonMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Our conformance resources as an NPM-style FHIR package ({@code package.tgz}): {@code package/package.json},
 * {@code package/.index.json} (index-version 1) and one {@code package/[type]-[id].json} per resource, so that an EHR
 * vendor's validator (HAPI, the IG publisher's, Firely) can load them by package name. Tar and gzip by Apache Commons
 * Compress.
 */
public final class FhirPackage {
    public static final String NAME = "vointi.fhir";
    public static final String CANONICAL = "https://vointi.fi/fhir";
    static final String FHIR_VERSION = "4.0.1";
    static final String CORE = "hl7.fhir.r4.core";

    private final String version;
    private final byte[] tgz;

    private FhirPackage(String version, byte[] tgz) {
        this.version = version;
        this.tgz = tgz;
    }

    public String version() {
        return version;
    }

    /** The file name a package manager would give it: {@code vointi.fhir-1.1.0.tgz}. */
    public String fileName() {
        return NAME + "-" + version + ".tgz";
    }

    public byte[] bytes() {
        return tgz.clone();
    }

    /** Packs the resources (each must have an id); files in a stable order, so the same content gives the same files. */
    public static FhirPackage build(FhirContext context, JsonMapper mapper, List<? extends IBaseResource> resources,
                                    String version, Instant modified) {
        Map<String, IBaseResource> files = new TreeMap<>();
        for (IBaseResource resource : resources) {
            String type = context.getResourceType(resource);
            String file = type + "-" + resource.getIdElement().getIdPart() + ".json";
            if (files.put(file, resource) != null) {
                throw new IllegalArgumentException("Two conformance resources would be packaged as " + file);
            }
        }
        List<Map<String, Object>> index = new ArrayList<>();
        files.forEach((file, resource) -> index.add(indexEntry(context, file, resource)));

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", NAME);
        manifest.put("version", version);
        manifest.put("description", "Vointi: profiles, extensions, CodeSystems, ValueSets and OperationDefinitions");
        manifest.put("author", "Vointi");
        manifest.put("canonical", CANONICAL);
        manifest.put("fhirVersions", List.of(FHIR_VERSION));
        manifest.put("type", "Conformance");
        manifest.put("dependencies", Map.of(CORE, FHIR_VERSION));
        Map<String, Object> indexFile = new LinkedHashMap<>();
        indexFile.put("index-version", 1);
        indexFile.put("files", index);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            add(tar, "package/package.json", mapper.writeValueAsBytes(manifest), modified);
            add(tar, "package/.index.json", mapper.writeValueAsBytes(indexFile), modified);
            for (Map.Entry<String, IBaseResource> file : files.entrySet()) {
                add(tar, "package/" + file.getKey(), context.newJsonParser().setPrettyPrint(true)
                        .encodeResourceToString(file.getValue()).getBytes(StandardCharsets.UTF_8), modified);
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FhirPackage(version, bytes.toByteArray());
    }

    private static Map<String, Object> indexEntry(FhirContext context, String file, IBaseResource resource) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("filename", file);
        entry.put("resourceType", context.getResourceType(resource));
        entry.put("id", resource.getIdElement().getIdPart());
        if (resource instanceof MetadataResource metadata) {
            entry.put("url", metadata.getUrl());
            if (metadata.hasVersion()) {
                entry.put("version", metadata.getVersion());
            }
        }
        if (resource instanceof StructureDefinition sd) {
            entry.put("kind", sd.getKind().toCode());
            entry.put("type", sd.getType());
        }
        if (resource instanceof CodeSystem cs && cs.hasContent()) {
            entry.put("content", cs.getContent().toCode());
        }
        return entry;
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content, Instant modified) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setModTime(modified.toEpochMilli());
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
