package fi.vointi.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bearer tokens, the dev issuer and its production guard, and the hardening headers, over HTTP. */
@MicronautTest
class AuthenticationTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    ObjectMapper objectMapper;

    private static final Map<String, Object> PATIENT = Map.of("roles", List.of("patient"), "patient", "auth-test");

    @ParameterizedTest
    @ValueSource(strings = {"expired", "wrong-audience", "forged", "garbage", "basic"})
    void invalidCredentialsGet401WithAnOutcomeEvenOnPublicPaths(String kind) throws Exception {
        String authorization = switch (kind) {
            case "expired" -> "Bearer " + issuer.issue("p", PATIENT, Instant.now().minus(Duration.ofHours(2)),
                    Duration.ofHours(1), "vointi");
            case "wrong-audience" -> "Bearer " + issuer.issue("p", PATIENT, Instant.now(), Duration.ofMinutes(5), "some-other-service");
            case "forged" -> "Bearer " + forged();
            case "garbage" -> "Bearer not.a.token";
            default -> "Basic dXNlcjpwYXNz";
        };
        FhirTestClient fhir = new FhirTestClient(server);
        for (String path : List.of("/fhir/QuestionnaireResponse/x", "/fhir/QuestionnaireResponse?patient=auth-test", "/fhir/metadata")) {
            Reply reply = fhir.send(HttpRequest.newBuilder(fhir.uri(path)).GET().header("Authorization", authorization));
            reply.outcome(401);
            assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer"), kind + " " + path);
        }
    }

    @Test
    void aValidTokenIsAcceptedAndMissingOneIs401() {
        FhirTestClient fhir = new FhirTestClient(server);
        fhir.get("/fhir/QuestionnaireResponse?patient=auth-test").outcome(401);
        assertEquals(200, fhir.as(new Tokens(issuer).patient("auth-test")).get("/fhir/QuestionnaireResponse?patient=auth-test").status());
        // public content needs no login
        assertEquals(200, fhir.get("/fhir/metadata").status());
        assertEquals(200, fhir.get("/fhir/Questionnaire").status());
    }

    /** RecentSignatures skips the signature check of a token verified moments ago: only of exactly that text. */
    @Test
    void aTokenAcceptedMomentsAgoDoesNotVouchForAlteredCopies() throws Exception {
        FhirTestClient fhir = new FhirTestClient(server);
        String path = "/fhir/QuestionnaireResponse?patient=auth-test";
        String token = new Tokens(issuer).patient("auth-test");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, fhir.as(token).get(path).status(), "request " + i);
        }
        String[] parts = token.split("\\.");
        String[] other = forged().split("\\.");
        // the accepted header and payload with another key's signature
        fhir.as(parts[0] + "." + parts[1] + "." + other[2]).get(path).outcome(401);
        // another payload (another patient) under the accepted signature
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("auth-test", "auth-tesu").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        fhir.as(parts[0] + "." + payload + "." + parts[2]).get("/fhir/QuestionnaireResponse?patient=auth-tesu").outcome(401);
        assertEquals(200, fhir.as(token).get(path).status());
    }

    @Test
    void devTokenEndpointIssuesTokensForDocumentedDemoUsers() throws Exception {
        FhirTestClient fhir = new FhirTestClient(server);
        Reply users = fhir.send(HttpRequest.newBuilder(fhir.uri("/dev/users")).GET());
        assertEquals(200, users.status());
        assertTrue(users.body().contains("demo-patient-aino") && users.body().contains("demo-ehr"));

        String token = token(fhir, "user=demo-patient-aino");
        FhirTestClient aino = fhir.as(token);
        Questionnaire prom = fhir.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        QuestionnaireResponse answers = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/demo-aino");
        assertEquals(201, aino.post("/fhir/QuestionnaireResponse", answers).status());
        aino.post("/fhir/QuestionnaireResponse", ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/demo-eero")).outcome(403);

        String ehr = token(fhir, "grant_type=client_credentials&client_id=demo-ehr");
        assertEquals(200, fhir.as(ehr).get("/fhir/QuestionnaireResponse?patient=demo-aino").status());

        Reply unknown = fhir.send(HttpRequest.newBuilder(fhir.uri("/dev/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=root")));
        assertTrue(unknown.outcome(400).contains("root"));
    }

    @Test
    void devIssuerRefusesToStartInProduction() {
        // the dev issuer also carries the dev OpenID Connect provider (/dev/oidc, fi.vointi.signin.dev): same refusal
        for (String environment : List.of("prod", "postgres", "production")) {
            ApplicationContext context = ApplicationContext.builder()
                    .environments(environment)
                    .properties(Map.of(
                            "vointi.security.dev-issuer.enabled", "true",
                            "datasources.default.url", "jdbc:h2:mem:guard;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                            "datasources.default.username", "sa",
                            "datasources.default.driver-class-name", "org.h2.Driver",
                            "datasources.default.dialect", "H2",
                            "micronaut.server.port", "-1"))
                    .build();
            Exception e = assertThrows(Exception.class, context::start);
            context.close();
            String message = messages(e);
            assertTrue(message.contains("must not run in production"), message);
        }
        // no production environment named, but a server database outside tests: refused as well
        ApplicationContext onServerDatabase = ApplicationContext.builder().deduceEnvironment(false)
                .properties(Map.of(
                        "vointi.security.dev-issuer.enabled", "true",
                        "datasources.default.url", "jdbc:postgresql://127.0.0.1:1/nowhere",
                        "datasources.default.username", "vointi",
                        "datasources.default.driver-class-name", "org.postgresql.Driver",
                        "datasources.default.dialect", "POSTGRES",
                        "micronaut.server.port", "-1"))
                .build();
        Exception e = assertThrows(Exception.class, onServerDatabase::start);
        onServerDatabase.close();
        assertTrue(messages(e).contains("must not run in production"), messages(e));
    }

    @Test
    void hardeningHeadersAndCorsLimitedToConfiguredOrigins() {
        FhirTestClient fhir = new FhirTestClient(server);
        Reply metadata = fhir.get("/fhir/metadata");
        assertEquals("nosniff", metadata.header("X-Content-Type-Options"));
        assertEquals("DENY", metadata.header("X-Frame-Options"));
        assertEquals("no-store", metadata.header("Cache-Control"));
        assertEquals("same-origin", metadata.header("Referrer-Policy"));

        Reply simple = fhir.send(HttpRequest.newBuilder(fhir.uri("/fhir/metadata")).GET().header("Origin", "https://app.vointi.test"));
        assertEquals("https://app.vointi.test", simple.header("Access-Control-Allow-Origin"));
        Reply allowed = fhir.send(HttpRequest.newBuilder(fhir.uri("/fhir/QuestionnaireResponse"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.vointi.test").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,if-none-exist"));
        assertEquals("https://app.vointi.test", allowed.header("Access-Control-Allow-Origin"));
        assertTrue(allowed.header("Access-Control-Allow-Headers").contains("authorization"));
        Reply foreign = fhir.send(HttpRequest.newBuilder(fhir.uri("/fhir/QuestionnaireResponse"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
        assertNull(foreign.header("Access-Control-Allow-Origin"));
        Reply foreignSimple = fhir.send(HttpRequest.newBuilder(fhir.uri("/fhir/metadata")).GET().header("Origin", "https://evil.example"));
        assertNull(foreignSimple.header("Access-Control-Allow-Origin"));
        assertTrue(foreign.status() >= 400, "status " + foreign.status());
    }

    private String token(FhirTestClient fhir, String form) throws Exception {
        Reply reply = fhir.send(HttpRequest.newBuilder(fhir.uri("/dev/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals(200, reply.status(), reply.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = objectMapper.readValue(reply.body(), Map.class);
        assertEquals("Bearer", body.get("token_type"));
        return (String) body.get("access_token");
    }

    /** Same claims, issuer and audience as a real token, signed with a key the service does not trust. */
    private static String forged() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var keys = generator.generateKeyPair();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("p").issuer("urn:vointi:dev-issuer").audience("vointi")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).claim("roles", List.of("patient"))
                .claim("patient", "auth-test").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("vointi-dev").build(), claims);
        jwt.sign(new RSASSASigner(keys.getPrivate()));
        return jwt.serialize();
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
