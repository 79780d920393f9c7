package fi.vointi.responses;

import fi.vointi.fhir.FhirException;
import fi.vointi.input.UntrustedText;
import io.micronaut.core.annotation.Nullable;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A token search on identifier: {@code system|value}, {@code |value} (no system) or {@code value} (any system). */
record IdentifierQuery(@Nullable String system, String value) {

    static IdentifierQuery parseToken(String token) {
        int bar = token.indexOf('|');
        if (bar < 0) {
            return new IdentifierQuery(null, require(token));
        }
        return new IdentifierQuery(token.substring(0, bar), require(token.substring(bar + 1)));
    }

    /** The If-None-Exist header of a conditional create: only {@code identifier=...} is supported. */
    static IdentifierQuery parseIfNoneExist(String header) {
        String query = header.startsWith("?") ? header.substring(1) : header;
        if (query.contains("&") || !query.startsWith("identifier=")) {
            throw FhirException.notSupported("If-None-Exist supports exactly one parameter, identifier=system|value; got '"
                    + header + "'");
        }
        String token;
        try {
            token = URLDecoder.decode(query.substring("identifier=".length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw FhirException.badRequest("If-None-Exist has an invalid percent-encoding");
        }
        // a header is not checked by the request guard as the query string is; the same rule applies
        String problem = UntrustedText.tokenProblem(token);
        if (problem != null) {
            throw FhirException.badRequest("The identifier in If-None-Exist " + problem);
        }
        return parseToken(token);
    }

    private static String require(String value) {
        if (value.isBlank()) {
            throw FhirException.badRequest("An identifier search needs a value");
        }
        return value;
    }
}
