package fi.vointi.catalog;

/** One JSON file of FHIR content and where it came from (for error messages). */
public record ContentFile(String source, String json) {
}
