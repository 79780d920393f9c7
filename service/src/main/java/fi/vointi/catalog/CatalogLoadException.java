package fi.vointi.catalog;

/** Start-up refusal: a content file is invalid. The message names the file and the problem. */
public class CatalogLoadException extends RuntimeException {
    public CatalogLoadException(String message) {
        super(message);
    }
}
