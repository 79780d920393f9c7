package fi.vointi.organization;

import ca.uhn.fhir.validation.SingleValidationMessage;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.OperationOutcomes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Create, read, update and delete of the organisation structure: Organizations (county, service area, service,
 * unit) and their service points (Location). Every write checks the hierarchy rules and stores the row together
 * with its closure pairs in one transaction; a refused write stores nothing.
 *
 * <ul>
 *   <li>{@code Organization.type} carries exactly one level from {@value OrganizationLevel#SYSTEM}.</li>
 *   <li>{@code partOf} names an existing, active Organization of the level above; a county has none.</li>
 *   <li>A move must not put an Organization under itself or under its own descendant.</li>
 *   <li>Deactivation ({@code active} false) needs every child deactivated first; DELETE is refused (409) while
 *       children, locations, responses or invitations refer to the Organization.</li>
 *   <li>A Location's {@code managingOrganization} is an existing, active unit.</li>
 * </ul>
 */
@Singleton
public class OrganizationService {
    /** Extension on Organization: whether the unit collects customer feedback (valueBoolean). */
    public static final String FEEDBACK_ENABLED_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/feedback-enabled";
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final int MAX_NAME = 255;
    /** The searchable names column (name_search, db/migration/V4): every language variant twice, folded and as written. */
    private static final int MAX_NAME_SEARCH = 4000;
    private static final String NAMES_TOO_LONG = "The name and its translations together are too long to be searchable;"
            + " keep the name and each translation short (at most " + MAX_NAME + " characters, a few languages)";

    private final OrganizationStore store;
    private final FhirJson json;
    private final QuestionnaireCatalog catalog;

    public OrganizationService(OrganizationStore store, FhirJson json, QuestionnaireCatalog catalog) {
        this.store = store;
        this.json = json;
        this.catalog = catalog;
    }

    /** What the rules read from an Organization. */
    private record UnitFacts(OrganizationLevel level, String parentId, String name, boolean active, boolean feedbackEnabled,
                             String nameSearch) {
    }

    // ---- Organization

    @Transactional
    public Organization create(Organization organization) {
        return insert(organization, UUID.randomUUID().toString());
    }

    /**
     * Stores an Organization or Location under a given id (demo data) unless that id exists; the same rules as a
     * create. Returns whether it was stored.
     */
    @Transactional
    public boolean createIfAbsent(Resource resource, String id) {
        if (!FHIR_ID.matcher(id).matches()) {
            throw FhirException.badRequest("'" + id + "' is not a valid FHIR id");
        }
        if (resource instanceof Organization organization) {
            if (store.findUnit(id).isPresent()) {
                return false;
            }
            insert(organization, id);
            return true;
        }
        if (resource instanceof Location location) {
            if (store.findLocation(id).isPresent()) {
                return false;
            }
            insertLocation(location, id);
            return true;
        }
        throw FhirException.badRequest("Only Organization and Location resources are loaded, not " + resource.fhirType());
    }

    private Organization insert(Organization organization, String id) {
        UnitFacts facts = facts(organization);
        lockStructure();
        checkParent(null, facts);
        Instant now = now();
        organization.setActive(facts.active());
        String text = versioned(organization, id, 1, now);
        write("Organization/" + id, () -> {
            store.insertUnit(new OrganizationStore.UnitRow(node(id, facts), 1, now, text, facts.nameSearch()));
            store.addToClosure(id, facts.parentId());
            return true;
        });
        return organization;
    }

    @Transactional(readOnly = true)
    public Organization read(String id) {
        return store.findUnit(id).map(row -> json.parseStored(row.resourceJson(), Organization.class))
                .orElseThrow(() -> FhirException.notFound("Organization/" + id + " is not known"));
    }

    @Transactional
    public Organization update(String id, Organization organization, @Nullable String ifMatch) {
        sameId("Organization", id, organization);
        lockStructure();
        OrganizationStore.UnitRow current = store.findUnit(id).orElseThrow(() -> notCreatedByPut("Organization", id));
        checkVersion("Organization", id, current.versionId(), ifMatch);
        UnitFacts facts = facts(organization);
        UnitNode before = current.node();
        boolean moved = !Objects.equals(before.parentId(), facts.parentId());
        checkParent(id, facts);
        if (facts.level() != before.level()) {
            List<UnitNode> misfits = store.children(id).stream()
                    .filter(c -> facts.level().childLevel().map(l -> l != c.level()).orElse(true)).toList();
            if (!misfits.isEmpty()) {
                throw unprocessable(IssueType.BUSINESSRULE, "Organization/" + id + " cannot change to level '" + facts.level().code()
                        + "': its children (" + ids(misfits) + ") would then be at the wrong level", "Organization.type");
            }
        }
        if (before.active() && !facts.active() && store.countActiveChildren(id) > 0) {
            throw new FhirException(HttpStatus.CONFLICT, OperationOutcomes.error(IssueType.CONFLICT, "Organization/" + id
                    + " still has " + store.countActiveChildren(id) + " active child organisation(s): deactivate them first",
                    "Organization.active"));
        }
        Instant now = now();
        int version = current.versionId() + 1;
        organization.setActive(facts.active());
        String text = versioned(organization, id, version, now);
        write("Organization/" + id, () -> {
            boolean updated = store.updateUnit(new OrganizationStore.UnitRow(node(id, facts), version, now, text,
                    facts.nameSearch()), current.versionId());
            if (updated && moved) {
                store.moveInClosure(id, facts.parentId());
            }
            return updated;
        });
        return organization;
    }

    /**
     * Deletes an Organization nothing refers to. Retiring a unit is normally an update with {@code active} false;
     * deletion is for mistakes, and is refused (409) while anything still refers to it.
     */
    @Transactional
    public void delete(String id) {
        lockStructure();
        store.findUnit(id).orElseThrow(() -> FhirException.notFound("Organization/" + id + " is not known"));
        List<String> reasons = new ArrayList<>();
        count(reasons, store.countChildren(id), "child organisation(s)");
        count(reasons, store.countLocations(id), "location(s)");
        count(reasons, store.countResponses(id), "QuestionnaireResponse(s)");
        count(reasons, store.countInvitations(id), "invitation(s)");
        if (!reasons.isEmpty()) {
            throw FhirException.conflict("Organization/" + id + " cannot be deleted: it has " + String.join(", ", reasons)
                    + ". Set active to false to retire it instead");
        }
        try {
            store.deleteUnit(id);
        } catch (DataAccessException e) {
            throw FhirException.conflict("Organization/" + id + " cannot be deleted: other data still refers to it."
                    + " Set active to false to retire it instead");
        }
    }

    private UnitFacts facts(Organization organization) {
        List<OperationOutcomeIssueComponent> issues = profileIssues(organization);
        List<Coding> levels = organization.getType().stream().flatMap(t -> t.getCoding().stream())
                .filter(c -> OrganizationLevel.SYSTEM.equals(c.getSystem())).toList();
        OrganizationLevel level = null;
        if (levels.size() != 1) {
            issues.add(issue(IssueType.REQUIRED, "Organization.type must carry exactly one coding from "
                    + OrganizationLevel.SYSTEM + " (county, area, service or unit); found " + levels.size(), "Organization.type"));
        } else {
            level = OrganizationLevel.fromCode(levels.get(0).getCode()).orElse(null);
            if (level == null) {
                issues.add(issue(IssueType.CODEINVALID, "Unknown organisation level '" + levels.get(0).getCode()
                        + "'; use county, area, service or unit", "Organization.type"));
            }
        }
        String name = organization.getName();
        if (name == null || name.isBlank()) {
            issues.add(issue(IssueType.REQUIRED, "Organization.name is required", "Organization.name"));
        } else if (name.length() > MAX_NAME) {
            issues.add(issue(IssueType.TOOLONG, "Organization.name is longer than " + MAX_NAME + " characters", "Organization.name"));
        } else if (NameSearch.column(NameSearch.variants(organization.getNameElement())).length() > MAX_NAME_SEARCH) {
            issues.add(issue(IssueType.TOOLONG, NAMES_TOO_LONG, "Organization.name"));
        }
        String parentId = null;
        if (organization.hasPartOf()) {
            parentId = organizationId(organization.getPartOf(), "Organization.partOf", issues);
            if (level == OrganizationLevel.COUNTY) {
                issues.add(issue(IssueType.BUSINESSRULE, "A county is the root of the hierarchy and has no partOf",
                        "Organization.partOf"));
            }
        } else if (level != null && level != OrganizationLevel.COUNTY) {
            issues.add(issue(IssueType.REQUIRED, "Organization.partOf is required: level '" + level.code() + "' belongs under"
                    + " level '" + level.parentLevel().orElseThrow().code() + "'", "Organization.partOf"));
        }
        List<Extension> feedback = organization.getExtensionsByUrl(FEEDBACK_ENABLED_EXTENSION);
        boolean feedbackEnabled = false;
        if (feedback.size() > 1) {
            issues.add(issue(IssueType.STRUCTURE, "The feedback-enabled extension may appear only once", "Organization.extension"));
        } else if (feedback.size() == 1) {
            if (feedback.get(0).getValue() instanceof BooleanType b && b.hasValue()) {
                feedbackEnabled = b.booleanValue();
            } else {
                issues.add(issue(IssueType.STRUCTURE, "The feedback-enabled extension needs a valueBoolean", "Organization.extension"));
            }
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        boolean active = !organization.hasActive() || organization.getActive();
        return new UnitFacts(level, parentId, name, active, feedbackEnabled,
                NameSearch.column(NameSearch.variants(organization.getNameElement())));
    }

    /** Taken before a write reads anything it checks: the checks and the closure pairs then see one structure. */
    private void lockStructure() {
        try {
            store.lockStructure();
        } catch (DataAccessException e) {
            throw FhirException.conflict("The organisation structure is being changed by someone else; retry in a moment");
        }
    }

    /** Parent rules, in the order a client can act on: known, no cycle, right level, active. */
    private void checkParent(@Nullable String selfId, UnitFacts facts) {
        if (facts.parentId() == null) {
            return;
        }
        UnitNode parent = store.findUnit(facts.parentId()).map(OrganizationStore.UnitRow::node)
                .orElseThrow(() -> unprocessable(IssueType.NOTFOUND, "partOf Organization/" + facts.parentId()
                        + " is not known", "Organization.partOf"));
        if (selfId != null && store.isInSubtree(selfId, parent.id())) {
            throw unprocessable(IssueType.BUSINESSRULE, "partOf Organization/" + parent.id() + " would make a cycle: it is "
                    + (selfId.equals(parent.id()) ? "the Organization itself" : "under Organization/" + selfId), "Organization.partOf");
        }
        OrganizationLevel expected = facts.level().parentLevel().orElseThrow();
        if (parent.level() != expected) {
            throw unprocessable(IssueType.BUSINESSRULE, "An Organization of level '" + facts.level().code() + "' must be part of"
                    + " level '" + expected.code() + "', but Organization/" + parent.id() + " is '" + parent.level().code() + "'",
                    "Organization.partOf");
        }
        if (facts.active() && !parent.active()) {
            throw unprocessable(IssueType.BUSINESSRULE, "partOf Organization/" + parent.id()
                    + " is inactive; an active Organization needs an active parent", "Organization.partOf");
        }
    }

    // ---- Location

    @Transactional
    public Location createLocation(Location location) {
        return insertLocation(location, UUID.randomUUID().toString());
    }

    private Location insertLocation(Location location, String id) {
        String unitId = checkLocation(location);
        Instant now = now();
        String text = versioned(location, id, 1, now);
        write("Location/" + id, () -> {
            store.insertLocation(new OrganizationStore.LocationRow(id, unitId, location.getName(), locationActive(location), 1,
                    now, text, NameSearch.column(NameSearch.variants(location.getNameElement()))));
            return true;
        });
        return location;
    }

    @Transactional(readOnly = true)
    public Location readLocation(String id) {
        return store.findLocation(id).map(row -> json.parseStored(row.resourceJson(), Location.class))
                .orElseThrow(() -> FhirException.notFound("Location/" + id + " is not known"));
    }

    @Transactional
    public Location updateLocation(String id, Location location, @Nullable String ifMatch) {
        sameId("Location", id, location);
        OrganizationStore.LocationRow current = store.findLocation(id).orElseThrow(() -> notCreatedByPut("Location", id));
        checkVersion("Location", id, current.versionId(), ifMatch);
        String unitId = checkLocation(location);
        Instant now = now();
        int version = current.versionId() + 1;
        String text = versioned(location, id, version, now);
        write("Location/" + id, () -> store.updateLocation(new OrganizationStore.LocationRow(id, unitId, location.getName(),
                locationActive(location), version, now, text, NameSearch.column(NameSearch.variants(location.getNameElement()))),
                current.versionId()));
        return location;
    }

    /** A service point has no dependants: deleting it is allowed. */
    @Transactional
    public void deleteLocation(String id) {
        store.findLocation(id).orElseThrow(() -> FhirException.notFound("Location/" + id + " is not known"));
        store.deleteLocation(id);
    }

    /** Checks a Location; returns the id of its unit. */
    private String checkLocation(Location location) {
        List<OperationOutcomeIssueComponent> issues = profileIssues(location);
        if (location.getName() == null || location.getName().isBlank()) {
            issues.add(issue(IssueType.REQUIRED, "Location.name is required", "Location.name"));
        } else if (location.getName().length() > MAX_NAME) {
            issues.add(issue(IssueType.TOOLONG, "Location.name is longer than " + MAX_NAME + " characters", "Location.name"));
        } else if (NameSearch.column(NameSearch.variants(location.getNameElement())).length() > MAX_NAME_SEARCH) {
            issues.add(issue(IssueType.TOOLONG, NAMES_TOO_LONG, "Location.name"));
        }
        if (location.hasPartOf()) {
            issues.add(issue(IssueType.NOTSUPPORTED, "Location.partOf is not supported: a service point belongs to its unit"
                    + " (managingOrganization)", "Location.partOf"));
        }
        String unitId = null;
        if (!location.hasManagingOrganization()) {
            issues.add(issue(IssueType.REQUIRED, "Location.managingOrganization is required: the unit the service point"
                    + " belongs to", "Location.managingOrganization"));
        } else {
            unitId = organizationId(location.getManagingOrganization(), "Location.managingOrganization", issues);
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        String id = unitId;
        UnitNode unit = store.findUnit(id).map(OrganizationStore.UnitRow::node).orElseThrow(() -> unprocessable(
                IssueType.NOTFOUND, "managingOrganization Organization/" + id + " is not known", "Location.managingOrganization"));
        if (unit.level() != OrganizationLevel.UNIT) {
            throw unprocessable(IssueType.BUSINESSRULE, "A Location belongs to a unit, but Organization/" + id + " is of level '"
                    + unit.level().code() + "'", "Location.managingOrganization");
        }
        if (locationActive(location) && !unit.active()) {
            throw unprocessable(IssueType.BUSINESSRULE, "Organization/" + id + " is inactive; an active Location needs an"
                    + " active unit", "Location.managingOrganization");
        }
        return unitId;
    }

    private static boolean locationActive(Location location) {
        if (!location.hasStatus()) {
            location.setStatus(Location.LocationStatus.ACTIVE);
        }
        return location.getStatus() != Location.LocationStatus.INACTIVE;
    }

    // ---- shared

    /** Errors of the HAPI validator (FHIR R4 and our extensions), as OperationOutcome issues. */
    private List<OperationOutcomeIssueComponent> profileIssues(Resource resource) {
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        for (SingleValidationMessage message : catalog.validator().errors(resource, List.of())) {
            issues.add(issue(IssueType.INVALID, message.getMessage(), message.getLocationString()));
        }
        return issues;
    }

    /** The id of a literal {@code Organization/<id>} reference, or an issue. */
    private static String organizationId(Reference reference, String path, List<OperationOutcomeIssueComponent> issues) {
        String ref = reference.getReference();
        String prefix = "Organization/";
        if (ref == null || !ref.startsWith(prefix) || !FHIR_ID.matcher(ref.substring(prefix.length())).matches()) {
            issues.add(issue(IssueType.VALUE, path + " must be a literal reference 'Organization/<id>', not '" + ref + "'", path));
            return null;
        }
        return ref.substring(prefix.length());
    }

    private static void sameId(String type, String id, Resource resource) {
        if (!resource.getIdElement().hasIdPart() || !id.equals(resource.getIdElement().getIdPart())) {
            throw FhirException.badRequest("The resource id in the body ('" + resource.getIdElement().getIdPart()
                    + "') must equal the id in the URL ('" + id + "')");
        }
    }

    private static FhirException notCreatedByPut(String type, String id) {
        return new FhirException(HttpStatus.METHOD_NOT_ALLOWED, IssueType.NOTSUPPORTED,
                type + "/" + id + " does not exist and this server assigns ids: create it with POST");
    }

    /** Structural changes must not overwrite someone else's: If-Match with the current version is required. */
    private static void checkVersion(String type, String id, int current, @Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new FhirException(HttpStatus.PRECONDITION_REQUIRED, IssueType.REQUIRED, "Updating " + type + "/" + id
                    + " needs the header If-Match: W/\"" + "<version>\" with the version you read");
        }
        if (!ifMatch.equals("W/\"" + current + "\"") && !ifMatch.equals("\"" + current + "\"")) {
            throw FhirException.preconditionFailed("If-Match " + ifMatch + " does not match the current version W/\""
                    + current + "\" of " + type + "/" + id);
        }
    }

    /** Sets id, version and time on the resource and returns it as stored. */
    private String versioned(Resource resource, String id, int version, Instant now) {
        resource.setId(id);
        resource.getMeta().setVersionId(Integer.toString(version)).setLastUpdated(Date.from(now));
        return json.encodeForStorage(resource);
    }

    /**
     * Runs the store writes of one version: false from them (the row is no longer at the version read) or a
     * constraint failing at write time (see {@link #concurrentChange}) is a 409, and the transaction stores nothing.
     */
    private static void write(String reference, BooleanSupplier writes) {
        boolean written;
        try {
            written = writes.getAsBoolean();
        } catch (DataAccessException e) {
            throw concurrentChange(reference);
        }
        if (!written) {
            throw FhirException.conflict(reference + " was changed by someone else; read it again and retry");
        }
    }

    private static UnitNode node(String id, UnitFacts facts) {
        return new UnitNode(id, facts.parentId(), facts.level(), facts.name(), facts.active(), facts.feedbackEnabled());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void count(List<String> reasons, long n, String what) {
        if (n > 0) {
            reasons.add(n + " " + what);
        }
    }

    private static String ids(List<UnitNode> nodes) {
        return String.join(", ", nodes.stream().map(UnitNode::reference).toList());
    }

    /**
     * A constraint the checks above had passed failed at write time: another request changed the parent or unit in
     * between (e.g. deleted it). Nothing is stored; the client may read again and retry.
     */
    private static FhirException concurrentChange(String what) {
        return FhirException.conflict(what + " could not be stored because the organisation structure changed at the"
                + " same time; read it again and retry");
    }

    private static OperationOutcomeIssueComponent issue(IssueType type, String message, String expression) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, type, message, expression);
    }

    private static FhirException unprocessable(IssueType type, String message, String expression) {
        return new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(type, message, expression));
    }
}
