package fi.vointi.fhir;

/** Media types of the FHIR REST API. JSON only: the CapabilityStatement says so. */
public final class FhirMediaType {
    public static final String FHIR_JSON = "application/fhir+json";
    public static final String FHIR_JSON_UTF8 = "application/fhir+json;charset=utf-8";
    public static final String JSON = "application/json";

    private FhirMediaType() {
    }
}
