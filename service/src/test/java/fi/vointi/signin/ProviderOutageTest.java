package fi.vointi.signin;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The county's identity provider may be down while the service starts (production: discovery over the network). The
 * service must still start and serve everything but sign-in; sign-in answers 503 until the provider is back.
 */
class ProviderOutageTest {

    private static HttpResponse<String> get(EmbeddedServer server, String path, String accept) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve(path)).header("Accept", accept)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReachableProviderIsDiscoveredAndSignInGoesToIt() throws Exception {
        com.sun.net.httpserver.HttpServer provider = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String issuer = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realm";
        String discovery = """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                 "response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"],
                 "token_endpoint_auth_methods_supported":["client_secret_post"],"scopes_supported":["openid"]}
                """.formatted(issuer);
        provider.createContext("/realm/.well-known/openid-configuration", exchange -> {
            byte[] body = discovery.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
        Map<String, Object> production = Map.of(
                "vointi.security.dev-issuer.enabled", "false",
                "micronaut.security.oauth2.clients.vointi.openid.issuer", issuer,
                "vointi.fhir.base-url", "https://vointi.example/fhir",
                "vointi.feedback.public-base-url", "https://palaute.vointi.example",
                "micronaut.server.port", "-1");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, production)) {
            HttpResponse<String> signIn = get(server, "/signin?return=/app", "text/html");
            String location = signIn.headers().firstValue("Location").orElse("");
            assertEquals(true, signIn.statusCode() / 100 == 3, signIn.statusCode() + " " + signIn.body());
            assertEquals(true, location.startsWith(issuer + "/authorize?") && location.contains("code_challenge=")
                    && location.contains("code_challenge_method=S256"), location);
        } finally {
            provider.stop(0);
        }
    }

    @Test
    void aProviderDownAtStartUpBreaksOnlySignIn() throws Exception {
        Map<String, Object> production = Map.of(
                "vointi.security.dev-issuer.enabled", "false",
                "micronaut.security.oauth2.clients.vointi.openid.issuer", "http://127.0.0.1:9/no-provider",
                "vointi.fhir.base-url", "https://vointi.example/fhir",
                "vointi.feedback.public-base-url", "https://palaute.vointi.example",
                "micronaut.server.port", "-1");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, production)) {
            assertEquals(200, get(server, "/fhir/metadata", "application/fhir+json").statusCode());
            assertEquals(200, fi.vointi.support.Management.get(server.getApplicationContext(), "/health").statusCode());
            assertEquals(200, get(server, "/", "text/html").statusCode());
            assertEquals(200, get(server, "/feedback/demo-unit-health-centre", "text/html").statusCode());
            HttpResponse<String> signIn = get(server, "/signin?return=/app", "text/html");
            assertEquals(503, signIn.statusCode(), signIn.body());
            assertEquals(200, get(server, "/fhir/metadata", "application/fhir+json").statusCode(), "still serving after a sign-in attempt");
        }
    }
}
