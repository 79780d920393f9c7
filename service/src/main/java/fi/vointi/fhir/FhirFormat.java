package fi.vointi.fhir;

import ca.uhn.fhir.rest.api.EncodingEnum;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;

import java.util.Comparator;
import java.util.List;

/**
 * The FHIR encoding of an answer: {@code _format} first (json, xml or a FHIR media type, read by HAPI's
 * {@link EncodingEnum}), else the best {@code Accept} type this server speaks, else JSON.
 */
public enum FhirFormat {
    JSON(FhirMediaType.FHIR_JSON_UTF8), XML(FhirMediaType.FHIR_XML_UTF8);

    private final String contentType;

    FhirFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The format a {@code _format} value names, or a 406 OperationOutcome. */
    static FhirFormat require(String format) {
        FhirFormat named = named(format);
        if (named == null) {
            throw SearchRequest.unsupportedFormat(format);
        }
        return named;
    }

    /**
     * The answer's format. An unknown {@code _format} is refused by {@link FhirFormatGuard} before the request does
     * anything; here (an error about it being answered) it is passed over.
     */
    public static FhirFormat of(HttpRequest<?> request) {
        if (request == null) {
            return JSON;
        }
        String format = request.getParameters().get("_format");
        if (format != null) {
            FhirFormat named = named(format);
            if (named != null) {
                return named;
            }
        }
        List<MediaType> accepted = request.getHeaders().accept().stream()
                .sorted(Comparator.comparing(MediaType::getQualityAsNumber).reversed()).toList();
        for (MediaType type : accepted) {
            FhirFormat named = named(type.getName());
            if (named != null) {
                return named;
            }
        }
        return JSON;
    }

    /** Whether a {@code _format} value names JSON or XML. */
    static boolean isKnown(String format) {
        return named(format) != null;
    }

    private static FhirFormat named(String format) {
        // an unencoded '+' in a query (application/fhir+xml) arrives as a space
        EncodingEnum encoding = EncodingEnum.forContentType(format.trim().replace(' ', '+'));
        if (encoding == EncodingEnum.JSON) {
            return JSON;
        }
        return encoding == EncodingEnum.XML ? XML : null;
    }
}
