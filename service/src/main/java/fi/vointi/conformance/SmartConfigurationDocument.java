package fi.vointi.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SMART App Launch v2 discovery document ({@code /.well-known/smart-configuration}) from settings. Pure: the
 * controller says whether dev mode is on and what its own origin is.
 */
final class SmartConfigurationDocument {
    /** Dev mode: the built-in provider has a client secret (client_secret_post), no public or key-signed clients. */
    static final List<String> DEV_CAPABILITIES = List.of("launch-standalone", "client-confidential-symmetric",
            "sso-openid-connect", "permission-v1", "permission-v2");
    static final String DEV_BASE = "/dev/oidc";

    private SmartConfigurationDocument() {
    }

    /**
     * @param issuer     the {@code iss} of tokens ({@code vointi.security.issuer})
     * @param countyJwks the JWKS URL the token validator uses, when configured
     * @param devOrigin  this service's origin when dev mode is on (its built-in provider fills unset endpoints), else empty
     * @return the document, or empty when outside dev mode the endpoints are not configured
     */
    static Optional<Map<String, Object>> of(SmartSettings settings, String issuer, Optional<String> countyJwks,
                                            Optional<String> devOrigin) {
        String authorization = firstOf(settings.getAuthorizationEndpoint(), devOrigin.map(o -> o + DEV_BASE + "/authorize"));
        String token = firstOf(settings.getTokenEndpoint(), devOrigin.map(o -> o + DEV_BASE + "/token"));
        if (authorization == null || token == null) {
            return Optional.empty();
        }
        String jwks = firstOf(settings.getJwksUri(), countyJwks.or(() -> devOrigin.map(o -> o + DEV_BASE + "/jwks")));
        boolean dev = devOrigin.isPresent() && settings.getTokenEndpoint() == null;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer);
        if (jwks != null) {
            body.put("jwks_uri", jwks);
        }
        body.put("authorization_endpoint", authorization);
        body.put("token_endpoint", token);
        body.put("grant_types_supported", settings.getGrantTypes());
        body.put("token_endpoint_auth_methods_supported", dev ? List.of("client_secret_post")
                : settings.getTokenEndpointAuthMethods());
        if (!dev && settings.getTokenEndpointAuthMethods().contains("private_key_jwt")) {
            body.put("token_endpoint_auth_signing_alg_values_supported", settings.getTokenEndpointAuthSigningAlgs());
        }
        body.put("scopes_supported", settings.getScopes());
        body.put("response_types_supported", List.of("code"));
        body.put("capabilities", dev && settings.getCapabilities().equals(SmartSettings.DEFAULT_CAPABILITIES)
                ? DEV_CAPABILITIES : settings.getCapabilities());
        body.put("code_challenge_methods_supported", List.of("S256"));
        if (settings.getIntrospectionEndpoint() != null) {
            body.put("introspection_endpoint", settings.getIntrospectionEndpoint());
        }
        if (settings.getRevocationEndpoint() != null) {
            body.put("revocation_endpoint", settings.getRevocationEndpoint());
        }
        return Optional.of(body);
    }

    private static String firstOf(String configured, Optional<String> fallback) {
        return configured != null && !configured.isBlank() ? configured.trim() : fallback.orElse(null);
    }
}
