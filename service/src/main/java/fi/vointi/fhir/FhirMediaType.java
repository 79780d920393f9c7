package fi.vointi.fhir;

/**
 * Media types of the FHIR REST API: JSON and XML answers (see {@link FhirFormat}) and request bodies (read by
 * {@link FhirJson#parseBody}). Every FHIR endpoint lists all four in {@code produces}, so that Micronaut does not refuse
 * an XML {@code Accept} with 406, and every one that takes a body all four in {@code consumes} (others: 415).
 */
public final class FhirMediaType {
    public static final String FHIR_JSON = "application/fhir+json";
    public static final String FHIR_JSON_UTF8 = "application/fhir+json;charset=utf-8";
    public static final String JSON = "application/json";
    public static final String FHIR_XML = "application/fhir+xml";
    public static final String FHIR_XML_UTF8 = "application/fhir+xml;charset=utf-8";
    public static final String XML = "application/xml";

    private FhirMediaType() {
    }
}
