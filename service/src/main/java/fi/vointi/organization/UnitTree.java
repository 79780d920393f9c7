package fi.vointi.organization;

import fi.vointi.security.UnitScope;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The county's organisation hierarchy (county → service area → service → unit) for other code: access checks,
 * feedback links, analytics. Answers come straight from the database ({@code organization_unit} and the closure
 * table {@code organization_closure}), so they are current across service instances and inside the caller's
 * transaction.
 *
 * <p>Every method takes Organization ids with or without the {@code Organization/} prefix and returns plain ids.
 * Inactive (deactivated) organisations are part of the tree: their history still belongs to their parents.
 *
 * <pre>{@code
 * unitTree.subtree("demo-area-health")            // the area, its services and their units
 * unitTree.isWithin(unitId, caller.units())       // is the unit one of these or under one of them?
 * }</pre>
 */
@Singleton
public class UnitTree implements UnitScope {
    private final OrganizationStore store;

    UnitTree(OrganizationStore store) {
        this.store = store;
    }

    /** The organisation with this id, or empty when there is none. */
    @Transactional(readOnly = true)
    public Optional<UnitNode> find(String id) {
        return store.findUnit(plain(id)).map(OrganizationStore.UnitRow::node);
    }

    /** The direct children of the organisation, by id; empty for a unit or an unknown id. */
    @Transactional(readOnly = true)
    public List<UnitNode> children(String id) {
        return store.children(plain(id));
    }

    /**
     * The id itself and the ids of every organisation under it, nearest first; empty when the id is unknown.
     * "A unit and everything under it" for reports of an area or a service.
     */
    @Transactional(readOnly = true)
    public Set<String> subtree(String id) {
        String plain = plain(id);
        return store.isInSubtree(plain, plain) ? store.descendants(List.of(plain)) : Set.of();
    }

    /** The ancestors of the organisation, its parent first and the county last; empty for a county or an unknown id. */
    @Transactional(readOnly = true)
    public List<String> ancestors(String id) {
        return store.ancestors(plain(id));
    }

    /**
     * Whether {@code unitId} is one of {@code ancestorIds} or lies under one of them. False for an empty
     * collection; an id unknown to the hierarchy is within only itself.
     */
    @Transactional(readOnly = true)
    public boolean isWithin(String unitId, Collection<String> ancestorIds) {
        if (unitId == null || ancestorIds.isEmpty()) {
            return false;
        }
        String unit = plain(unitId);
        Set<String> candidates = ancestorIds.stream().map(UnitTree::plain).collect(Collectors.toSet());
        return candidates.contains(unit) || store.ancestors(unit).stream().anyMatch(candidates::contains);
    }

    /**
     * {@link UnitScope}: the ids of the {@code units} claim plus everything under them. Claimed ids keep their
     * original spelling; unknown ids are kept as they are.
     */
    @Override
    @Transactional(readOnly = true)
    public Set<String> expand(Set<String> unitIds) {
        Set<String> result = new LinkedHashSet<>(unitIds);
        result.addAll(store.descendants(unitIds.stream().map(UnitTree::plain).toList()));
        return result;
    }

    static String plain(String id) {
        return id != null && id.startsWith("Organization/") ? id.substring("Organization/".length()) : id;
    }
}
