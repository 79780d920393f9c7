package fi.vointi.cat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ordered, immutable collection of calibrated items with lookup by id. Bank order is meaningful:
 * it breaks ties in item selection (the earlier item wins) and orders sum-score tables' items.
 */
public final class ItemBank {

    private final List<IrtItem> items;
    private final Map<String, Integer> indexById;
    private final int maxCategories;

    /** @throws IllegalArgumentException if the list is empty, holds null or repeats an id */
    public ItemBank(List<? extends IrtItem> items) {
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("an item bank needs at least one item");
        }
        Map<String, Integer> index = new HashMap<>(items.size() * 2);
        int maxCategories = 0;
        for (int i = 0; i < items.size(); i++) {
            IrtItem item = items.get(i);
            if (item == null) {
                throw new IllegalArgumentException("item bank entry " + i + " is null");
            }
            Integer previous = index.putIfAbsent(item.id(), i);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate item id '" + item.id() + "' at positions " + previous
                        + " and " + i);
            }
            maxCategories = Math.max(maxCategories, item.categories());
        }
        this.items = List.copyOf(items);
        this.indexById = Map.copyOf(index);
        this.maxCategories = maxCategories;
    }

    public static ItemBank of(IrtItem... items) {
        return new ItemBank(List.of(items));
    }

    /** The items in bank order (unmodifiable). */
    public List<IrtItem> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public IrtItem item(int index) {
        return items.get(index);
    }

    /** Position of the item with this id, or -1 if the bank has no such item. */
    public int indexOf(String id) {
        Integer index = indexById.get(id);
        return index == null ? -1 : index;
    }

    public Optional<IrtItem> find(String id) {
        int index = indexOf(id);
        return index < 0 ? Optional.empty() : Optional.of(items.get(index));
    }

    /** @throws IllegalArgumentException if the bank has no item with this id */
    public IrtItem get(String id) {
        int index = indexOf(id);
        if (index < 0) {
            throw new IllegalArgumentException("unknown item id '" + id + "'");
        }
        return items.get(index);
    }

    /** Largest number of categories of any item (sizes scratch buffers). */
    public int maxCategories() {
        return maxCategories;
    }

    /**
     * The bank restricted to the given ids, in bank order (the order of {@code ids} is irrelevant).
     *
     * @throws IllegalArgumentException for an unknown id, a repeated id or an empty selection
     */
    public ItemBank subset(Collection<String> ids) {
        Set<String> wanted = new HashSet<>();
        for (String id : ids) {
            if (indexOf(id) < 0) {
                throw new IllegalArgumentException("unknown item id '" + id + "'");
            }
            if (!wanted.add(id)) {
                throw new IllegalArgumentException("item id '" + id + "' listed twice");
            }
        }
        List<IrtItem> selected = new ArrayList<>(wanted.size());
        for (IrtItem item : items) {
            if (wanted.contains(item.id())) {
                selected.add(item);
            }
        }
        return new ItemBank(selected);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ItemBank that && items.equals(that.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return "ItemBank[" + items.size() + " items]";
    }
}
