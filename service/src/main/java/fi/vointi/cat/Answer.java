package fi.vointi.cat;

/**
 * One answered item: the item id and the 0-based response category (0..m-1 in the item's category
 * order; the HTTP layer maps answer options, e.g. scores 1..5, to categories).
 */
public record Answer(String itemId, int category) {

    public Answer {
        if (itemId == null || itemId.isBlank()) {
            throw new IllegalArgumentException("answer needs an item id");
        }
        if (category < 0) {
            throw new IllegalArgumentException("item '" + itemId + "': category must be >= 0, was " + category);
        }
    }
}
