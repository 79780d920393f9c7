package fi.vointi.catalog;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.SingleValidationMessage;
import fi.vointi.catalog.BundledContent.ParsedFile;
import fi.vointi.fhir.FhirJson;
import io.micronaut.context.annotation.Context;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The questionnaires this service delivers, loaded once at start-up from the jar's questionnaires/
 * folder and the county's folder ({@code vointi.questionnaires.dir}). Every file is validated with
 * the HAPI validator against FHIR R4 and our profile; any invalid file stops start-up with a message
 * naming the file. A file that passed under the same validator before (table content_validation, see
 * {@link ContentValidations}) is not validated again, so that a restart with unchanged content does not pay for
 * HAPI's validator warm-up. The catalog is read-only after start-up; its Questionnaire objects must not be
 * modified by callers (copy them first).
 */
@Context
public class QuestionnaireCatalog {
    public static final String QUESTIONNAIRE_PROFILE = "https://vointi.fi/fhir/StructureDefinition/vointi-questionnaire";
    private static final Logger LOG = LoggerFactory.getLogger(QuestionnaireCatalog.class);
    private static final int MAX_MESSAGES_PER_FILE = 10;

    private final Map<String, Questionnaire> byId;
    private final Map<String, List<Questionnaire>> byUrl;
    private final Supplier<ProfileValidator> validator;
    private final List<IBaseResource> conformanceResources;
    private final int validatedAtStart;

    public QuestionnaireCatalog(FhirJson json, CatalogConfiguration configuration, QuestionnaireArchive archive,
                                ContentValidations validations) {
        long started = System.nanoTime();
        FhirContext context = json.context();
        BundledContent bundled = BundledContent.take(json);
        List<ParsedFile> conformance = new ArrayList<>(bundled.conformance);
        List<ParsedFile> questionnaires = new ArrayList<>();
        if (configuration.isIncludeBundled()) {
            questionnaires.addAll(bundled.questionnaires);
        }
        if (configuration.getDir() != null && !configuration.getDir().isBlank()) {
            for (ContentFile file : ContentFiles.fromDirectory(Path.of(configuration.getDir()))) {
                ParsedFile parsed = BundledContent.parse(json, file);
                if (parsed.resource() instanceof Questionnaire) {
                    questionnaires.add(parsed);
                } else {
                    conformance.add(parsed);
                }
            }
        }
        for (ParsedFile file : conformance) {
            if (!(file.resource() instanceof StructureDefinition || file.resource() instanceof CodeSystem
                    || file.resource() instanceof ValueSet)) {
                throw new CatalogLoadException(file.source() + ": expected a Questionnaire, StructureDefinition, CodeSystem"
                        + " or ValueSet but found a " + context.getResourceType(file.resource()));
            }
        }
        for (ParsedFile file : questionnaires) {
            if (!(file.resource() instanceof Questionnaire)) {
                throw new CatalogLoadException(file.source() + ": expected a Questionnaire but found a "
                        + context.getResourceType(file.resource()));
            }
        }

        this.conformanceResources = conformance.stream().map(ParsedFile::resource).toList();
        if (conformanceResources.stream().noneMatch(r -> r instanceof StructureDefinition sd
                && QUESTIONNAIRE_PROFILE.equals(sd.getUrl()))) {
            throw new CatalogLoadException("fhir-profiles: the profile " + QUESTIONNAIRE_PROFILE
                    + " is missing, so questionnaires cannot be validated");
        }
        // Over the files as read: the same text under the same HAPI version validates the same (no encoding needed).
        String fingerprint = ValidationFingerprint.of(conformance.stream().map(ParsedFile::text).toList());
        // Built on first use only: when all content is known to be valid, start-up never needs it.
        this.validator = memoize(() -> ProfileValidator.shared(context, conformanceResources, fingerprint));
        Map<String, Questionnaire> ids = new LinkedHashMap<>();
        Map<String, String> sourceOfCanonical = new HashMap<>();
        Map<String, String> sourceOfId = new HashMap<>();
        int validated = 0;
        for (ParsedFile file : questionnaires) {
            Questionnaire questionnaire = (Questionnaire) file.resource();
            check(file.source(), questionnaire);
            String encoded = file.encoded();
            String key = ValidationFingerprint.key(fingerprint, encoded);
            boolean known = validations.passed(key);
            if (!known) {
                long t = System.nanoTime();
                LOG.info("Validating {} ({} of {})", file.source(), ++validated, questionnaires.size());
                validate(file.source(), questionnaire);
                LOG.info("Validated {} in {} ms", file.source(), (System.nanoTime() - t) / 1_000_000);
            }
            String id = questionnaire.getIdElement().getIdPart();
            String canonical = questionnaire.getUrl() + "|" + questionnaire.getVersion();
            if (sourceOfId.containsKey(id)) {
                throw new CatalogLoadException(file.source() + ": Questionnaire id '" + id + "' is already used by "
                        + sourceOfId.get(id));
            }
            if (sourceOfCanonical.containsKey(canonical)) {
                throw new CatalogLoadException(file.source() + ": Questionnaire " + canonical + " is already defined by "
                        + sourceOfCanonical.get(canonical) + "; publish changed content under a new version");
            }
            sourceOfId.put(id, file.source());
            sourceOfCanonical.put(canonical, file.source());
            archive.remember(file.source(), questionnaire, encoded, json);
            if (!known) {
                validations.remember(key, file.source());
            }
            ids.put(id, questionnaire);
        }
        this.byId = Collections.unmodifiableMap(ids);
        this.byUrl = ids.values().stream().collect(Collectors.groupingBy(Questionnaire::getUrl,
                Collectors.collectingAndThen(Collectors.toList(), list -> list.stream()
                        .sorted(Comparator.comparing(Questionnaire::getVersion, VersionOrder.INSTANCE).reversed())
                        .toList())));
        this.validatedAtStart = validated;
        LOG.info("Questionnaire catalog: {} questionnaires ({} validated now, the others unchanged since they passed),"
                + " {} conformance resources, in {} ms", byId.size(), validated, conformance.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = supplier.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }

    /** Rules the validator cannot know: an id, and scoring rules we can read. Cheap; runs on every start. */
    private static void check(String source, Questionnaire questionnaire) {
        if (!questionnaire.getIdElement().hasIdPart()) {
            throw new CatalogLoadException(source + ": the Questionnaire has no id");
        }
        try {
            fi.vointi.scoring.ScoringRules.read(questionnaire);
        } catch (IllegalArgumentException e) {
            throw new CatalogLoadException(source + ": invalid scoring rule: " + e.getMessage());
        }
    }

    private void validate(String source, Questionnaire questionnaire) {
        List<SingleValidationMessage> errors = validator.get().errors(questionnaire, List.of(QUESTIONNAIRE_PROFILE));
        if (!errors.isEmpty()) {
            String detail = errors.stream().limit(MAX_MESSAGES_PER_FILE)
                    .map(m -> m.getLocationString() + ": " + m.getMessage())
                    .collect(Collectors.joining("\n  "));
            throw new CatalogLoadException(source + ": invalid Questionnaire (" + errors.size() + " error(s))\n  " + detail);
        }
    }

    public Optional<Questionnaire> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The exact version, or the current (highest, active first) version when the reference has none. */
    public Optional<Questionnaire> resolve(CanonicalRef ref) {
        List<Questionnaire> versions = byUrl.getOrDefault(ref.url(), List.of());
        if (ref.hasVersion()) {
            return versions.stream().filter(q -> ref.version().equals(q.getVersion())).findFirst();
        }
        return versions.stream().filter(q -> q.getStatus() == org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE)
                .findFirst().or(() -> versions.stream().findFirst());
    }

    public List<Questionnaire> all() {
        return List.copyOf(byId.values());
    }

    /** The validator with our conformance resources, for other content checks. */
    public ProfileValidator validator() {
        return validator.get();
    }

    /** How many questionnaires this start had to validate (the others had passed under the same validator before). */
    public int validatedAtStart() {
        return validatedAtStart;
    }

    public List<IBaseResource> conformanceResources() {
        return conformanceResources;
    }
}
