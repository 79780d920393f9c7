package fi.vointi.schedules;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.ContentFile;
import fi.vointi.catalog.ContentFiles;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirJson;
import fi.vointi.responses.AnonymousAnswering;
import io.micronaut.context.annotation.Context;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Questionnaire;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The PROM protocols: PlanDefinitions shipped in the jar's {@code protocols/} folder and in
 * {@code vointi.schedules.protocols-dir}. Checked at start-up (a bad file stops it, naming the file), like the
 * questionnaire catalog: every action must name a questionnaire of the catalog, answered with an invitation.
 */
@Context
public class ProtocolCatalog {
    public static final String REMINDERS_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/schedule-reminders";
    /** More would be nagging; the example is two. */
    static final int MAX_REMINDERS = 3;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private final Map<String, Protocol> byId = new LinkedHashMap<>();

    ProtocolCatalog(ScheduleConfiguration configuration, FhirJson json, QuestionnaireCatalog questionnaires) {
        List<ContentFile> files = new ArrayList<>();
        if (configuration.isIncludeBundled()) {
            files.addAll(ContentFiles.fromClasspath("protocols", ProtocolCatalog.class.getClassLoader()));
        }
        if (configuration.getProtocolsDir() != null && !configuration.getProtocolsDir().isBlank()) {
            files.addAll(ContentFiles.fromDirectory(Path.of(configuration.getProtocolsDir())));
        }
        Set<String> canonicals = new java.util.HashSet<>();
        for (ContentFile file : files) {
            Protocol protocol;
            try {
                protocol = read(json.parseStored(file.json(), PlanDefinition.class), questionnaires);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Protocol " + file.source() + ": " + e.getMessage(), e);
            }
            if (byId.putIfAbsent(protocol.id(), protocol) != null || !canonicals.add(protocol.canonical().toString())) {
                throw new IllegalStateException("Protocol " + file.source() + ": id " + protocol.id() + " or "
                        + protocol.canonical() + " is already defined");
            }
        }
    }

    static Protocol read(PlanDefinition plan, QuestionnaireCatalog questionnaires) {
        String id = plan.getIdElement().getIdPart();
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("the PlanDefinition needs an id (letters, digits, - and ., at most 64)");
        }
        if (!plan.hasUrl() || !plan.hasVersion() || !plan.hasTitle() || !plan.hasStatus()) {
            throw new IllegalArgumentException("url, version, title and status are required");
        }
        List<Protocol.Visit> visits = new ArrayList<>();
        Set<String> actionIds = new java.util.HashSet<>();
        for (PlanDefinition.PlanDefinitionActionComponent action : plan.getAction()) {
            if (!action.hasId() || !ID.matcher(action.getId()).matches() || !actionIds.add(action.getId())) {
                throw new IllegalArgumentException("every action needs an id of its own");
            }
            if (!action.hasDefinitionCanonicalType()) {
                throw new IllegalArgumentException("action " + action.getId() + " needs definitionCanonical = a questionnaire");
            }
            CanonicalRef wanted = CanonicalRef.parse(action.getDefinitionCanonicalType().getValue());
            Questionnaire questionnaire = questionnaires.resolve(wanted).orElseThrow(() -> new IllegalArgumentException(
                    "action " + action.getId() + ": questionnaire " + wanted + " is not in the catalog"));
            if (AnonymousAnswering.isAnonymous(questionnaire)) {
                throw new IllegalArgumentException("action " + action.getId() + ": " + wanted + " is answered anonymously");
            }
            if (!(action.getTiming() instanceof Duration offset)) {
                throw new IllegalArgumentException("action " + action.getId() + " needs timingDuration (the offset from the episode's start)");
            }
            visits.add(new Protocol.Visit(action.getId(), action.hasTitle() ? action.getTitle() : action.getId(),
                    new CanonicalRef(questionnaire.getUrl(), questionnaire.getVersion()),
                    new ScheduleRules.Offset(wholeNumber(offset, "action " + action.getId()), unit(offset, "action " + action.getId()))));
        }
        if (visits.isEmpty()) {
            throw new IllegalArgumentException("a protocol needs at least one action");
        }
        List<Integer> reminderDays = new ArrayList<>();
        int max = 0;
        List<Extension> reminders = plan.getExtensionsByUrl(REMINDERS_EXTENSION);
        if (reminders.size() > 1) {
            throw new IllegalArgumentException(REMINDERS_EXTENSION + " may occur once");
        }
        if (!reminders.isEmpty()) {
            Integer maxGiven = null;
            for (Extension part : reminders.get(0).getExtension()) {
                if ("after".equals(part.getUrl()) && part.getValue() instanceof Duration after) {
                    int amount = wholeNumber(after, "reminder");
                    ScheduleRules.Unit unit = unit(after, "reminder");
                    if (unit != ScheduleRules.Unit.DAYS && unit != ScheduleRules.Unit.WEEKS) {
                        throw new IllegalArgumentException("a reminder's after is in days (d) or weeks (wk)");
                    }
                    int days = unit == ScheduleRules.Unit.WEEKS ? amount * 7 : amount;
                    if (days < 1) {
                        throw new IllegalArgumentException("a reminder comes at least a day after the invitation");
                    }
                    reminderDays.add(days);
                } else if ("max".equals(part.getUrl()) && part.getValue() instanceof PositiveIntType given) {
                    maxGiven = given.getValue();
                } else {
                    throw new IllegalArgumentException("the reminders extension has parts after (valueDuration) and max (valuePositiveInt)");
                }
            }
            max = maxGiven == null ? reminderDays.size() : Math.min(maxGiven, reminderDays.size());
            if (max > MAX_REMINDERS) {
                throw new IllegalArgumentException("at most " + MAX_REMINDERS + " reminders per invitation");
            }
        }
        reminderDays.sort(Comparator.naturalOrder());
        return new Protocol(id, plan.getUrl(), plan.getVersion(), plan.getTitle(), List.copyOf(visits), List.copyOf(reminderDays),
                max, plan);
    }

    private static int wholeNumber(Duration duration, String where) {
        if (!duration.hasValue() || duration.getValue().signum() < 0 || duration.getValue().stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(where + ": the duration must be a whole number, 0 or more");
        }
        return duration.getValue().intValueExact();
    }

    private static ScheduleRules.Unit unit(Duration duration, String where) {
        ScheduleRules.Unit unit = "http://unitsofmeasure.org".equals(duration.getSystem()) ? ScheduleRules.Unit.ofUcum(duration.getCode()) : null;
        if (unit == null) {
            throw new IllegalArgumentException(where + ": the duration's unit must be UCUM (http://unitsofmeasure.org) d, wk, mo or a");
        }
        return unit;
    }

    public Optional<Protocol> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The protocol of a canonical url (newest version when none is given), as a CarePlan's instantiatesCanonical names it. */
    public Optional<Protocol> resolve(CanonicalRef ref) {
        return byId.values().stream().filter(p -> p.url().equals(ref.url()))
                .filter(p -> !ref.hasVersion() || p.version().equals(ref.version()))
                .max(Comparator.comparing(Protocol::version, fi.vointi.catalog.VersionOrder.INSTANCE));
    }

    public List<Protocol> all() {
        return List.copyOf(byId.values());
    }
}
