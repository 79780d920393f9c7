package fi.vointi.conformance;

import fi.vointi.support.FhirTestClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /.well-known/smart-configuration}: the SMART App Launch v2 shape, and in dev mode endpoints that work. */
@MicronautTest
class SmartConfigurationTest {
    /** The capability codes SMART App Launch v2 defines. */
    static final Set<String> SMART_CAPABILITIES = Set.of("launch-ehr", "launch-standalone", "authorize-post", "client-public",
            "client-confidential-symmetric", "client-confidential-asymmetric", "sso-openid-connect", "context-banner",
            "context-style", "context-ehr-patient", "context-ehr-encounter", "context-standalone-patient",
            "context-standalone-encounter", "permission-offline", "permission-online", "permission-patient",
            "permission-user", "permission-v1", "permission-v2", "smart-app-state");
    static final Set<String> REQUIRED = Set.of("issuer", "jwks_uri", "authorization_endpoint", "token_endpoint",
            "grant_types_supported", "capabilities", "code_challenge_methods_supported");

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper mapper;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void devModeDocumentHasTheSmartShapeAndItsEndpointsWork() throws Exception {
        HttpResponse<String> root = get("/.well-known/smart-configuration");
        assertEquals(200, root.statusCode());
        assertTrue(root.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        Map<String, Object> document = json(root.body());
        assertEquals(document, json(get("/fhir/.well-known/smart-configuration").body()), "same document under the FHIR base");

        assertTrue(document.keySet().containsAll(REQUIRED), document.keySet().toString());
        assertEquals("urn:vointi:dev-issuer", document.get("issuer"));
        assertEquals(List.of("S256"), document.get("code_challenge_methods_supported"), "S256 only, never plain");
        List<?> capabilities = (List<?>) document.get("capabilities");
        assertTrue(SMART_CAPABILITIES.containsAll(capabilities), capabilities.toString());
        assertTrue(capabilities.containsAll(List.of("permission-v2", "sso-openid-connect", "launch-standalone",
                "client-confidential-symmetric")), capabilities.toString());
        assertFalse(capabilities.contains("client-public"), "the dev provider takes no public clients");
        assertTrue(((List<?>) document.get("grant_types_supported")).containsAll(List.of("authorization_code", "client_credentials")));
        assertTrue(((List<?>) document.get("scopes_supported")).contains("system/QuestionnaireResponse.rs"));
        assertTrue(((List<?>) document.get("scopes_supported")).contains("system/CarePlan.crus"), "PROM schedules");
        assertTrue(((String) document.get("authorization_endpoint")).endsWith("/dev/oidc/authorize"));

        // the endpoints it names are the built-in provider's, and they work: JWKS has the signing key
        Map<String, Object> jwks = json(get(path(document, "jwks_uri")).body());
        assertEquals("RS256", ((Map<?, ?>) ((List<?>) jwks.get("keys")).get(0)).get("alg"));
        // a backend client gets a token at the token endpoint and reads with it
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(server.getURI().resolve(path(document, "token_endpoint")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=demo-ehr")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        Map<String, Object> issued = json(token.body());
        assertEquals("Bearer", issued.get("token_type"));
        assertTrue(((String) issued.get("scope")).contains("system/Task.crs"));
        FhirTestClient ehr = new FhirTestClient(server).as((String) issued.get("access_token"));
        assertEquals(Bundle.BundleType.SEARCHSET, ehr.get("/fhir/Task?_count=1").resource(Bundle.class).getType());
        // the demo EHR enrols in PROM schedules and finds the enrolments (docs/schedules.md)
        assertTrue(((String) issued.get("scope")).contains("system/CarePlan.crus"));
        assertEquals(Bundle.BundleType.SEARCHSET, ehr.get("/fhir/CarePlan?_count=1").resource(Bundle.class).getType());
        // a person is no backend client
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.getURI().resolve(path(document, "token_endpoint")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=demo-patient-aino")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode());
        assertEquals("invalid_client", json(refused.body()).get("error"));
    }

    @Test
    void productionDocumentComesFromConfigurationOrIsAbsent() {
        SmartSettings settings = new SmartSettings();
        assertEquals(Optional.empty(), SmartConfigurationDocument.of(settings, "https://idp.example", Optional.empty(), Optional.empty()),
                "outside dev mode without endpoints there is no document");
        settings.setAuthorizationEndpoint("https://idp.example/authorize");
        settings.setTokenEndpoint("https://idp.example/token");
        Map<String, Object> document = SmartConfigurationDocument.of(settings, "https://idp.example",
                Optional.of("https://idp.example/jwks"), Optional.empty()).orElseThrow();
        assertTrue(document.keySet().containsAll(REQUIRED), document.keySet().toString());
        assertEquals("https://idp.example/jwks", document.get("jwks_uri"));
        assertEquals("https://idp.example/token", document.get("token_endpoint"));
        assertEquals(SmartSettings.DEFAULT_CAPABILITIES, document.get("capabilities"));
        assertEquals(List.of("RS384", "ES384"), document.get("token_endpoint_auth_signing_alg_values_supported"),
                "private_key_jwt (SMART Backend Services) names its algorithms");
        assertTrue(SMART_CAPABILITIES.containsAll(SmartSettings.DEFAULT_CAPABILITIES));
        // configured endpoints win over the built-in provider in dev mode too
        Map<String, Object> dev = SmartConfigurationDocument.of(settings, "i", Optional.empty(), Optional.of("http://localhost:1")).orElseThrow();
        assertEquals("https://idp.example/authorize", dev.get("authorization_endpoint"));
        assertEquals("http://localhost:1/dev/oidc/jwks", dev.get("jwks_uri"));
    }

    private static String path(Map<String, Object> document, String key) {
        return URI.create((String) document.get(key)).getPath();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.getURI().resolve(path)).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String body) throws IOException {
        return mapper.readValue(body, Map.class);
    }
}
