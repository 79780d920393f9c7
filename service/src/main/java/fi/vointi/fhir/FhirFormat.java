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
     * The answer's format. {@code strict}: an unknown {@code _format} is a 406; otherwise (an error being answered)
     * it is ignored.
     */
    public static FhirFormat of(HttpRequest<?> request, boolean strict) {
        if (request == null) {
            return JSON;
        }
        String format = request.getParameters().get("_format");
        if (format != null) {
            FhirFormat named = named(format);
            if (named != null) {
                return named;
            }
            if (strict) {
                throw SearchRequest.unsupportedFormat(format);
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

    private static FhirFormat named(String format) {
        // an unencoded '+' in a query (application/fhir+xml) arrives as a space
        EncodingEnum encoding = EncodingEnum.forContentType(format.trim().replace(' ', '+'));
        if (encoding == EncodingEnum.JSON) {
            return JSON;
        }
        return encoding == EncodingEnum.XML ? XML : null;
    }
}
