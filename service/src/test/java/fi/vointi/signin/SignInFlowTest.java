package fi.vointi.signin;

import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signing in over HTTP, on H2 and PostgreSQL: the dev OIDC provider's refusals (client, redirect URI, response type,
 * state, nonce, PKCE, reused code, wrong verifier), the whole flow through Micronaut's OIDC client to a session, the
 * session's Caller being the bearer token's, the cross-site rules for a cookie, sign-out, and the idle and absolute
 * timeouts (timestamps moved in the database; no sleeping).
 */
@MicronautTest(transactional = false)
class SignInFlowTest {
    private static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    private static final SecureRandom RANDOM = new SecureRandom();
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    CookieManager cookies;
    HttpClient http;

    @BeforeEach
    void freshBrowser() {
        cookies = new CookieManager();
        http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    String base() {
        return "http://localhost:" + server.getPort();
    }

    String callback() {
        return base() + "/oauth/callback/vointi";
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String pathOrUrl, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base() + pathOrUrl))
                .GET().header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    HttpResponse<String> postForm(String path, Map<String, String> form, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html,*/*;q=0.8");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static Map<String, String> query(String url) {
        Map<String, String> values = new LinkedHashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElse(null);
    }

    String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue)
                .findFirst().orElse(null);
    }

    /** A valid authorization request of our own, with a PKCE pair; returns its parameters and keeps the verifier. */
    record OwnRequest(Map<String, String> parameters, String verifier) {
        OwnRequest with(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(parameters);
            if (value == null) {
                copy.remove(name);
            } else {
                copy.put(name, value);
            }
            return new OwnRequest(copy, verifier);
        }
    }

    OwnRequest ownRequest() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", "vointi");
        p.put("redirect_uri", callback());
        p.put("response_type", "code");
        p.put("scope", "openid");
        p.put("state", "s-" + RANDOM.nextInt(1_000_000));
        p.put("nonce", "n-" + RANDOM.nextInt(1_000_000));
        p.put("code_challenge", s256(verifier));
        p.put("code_challenge_method", "S256");
        return new OwnRequest(p, verifier);
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> authorize(OwnRequest request) {
        return get("/dev/oidc/authorize?" + encode(request.parameters()));
    }

    /** The code the provider gives when the person picks {@code user} on its page. */
    String code(OwnRequest request, String user) {
        Map<String, String> form = new LinkedHashMap<>(request.parameters());
        form.put("user", user);
        HttpResponse<String> chosen = postForm("/dev/oidc/authorize", form);
        assertEquals(303, chosen.statusCode(), chosen.body());
        Map<String, String> answer = query(location(chosen));
        assertEquals(request.parameters().get("state"), answer.get("state"));
        return answer.get("code");
    }

    HttpResponse<String> token(String code, String verifier, String redirectUri, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", "vointi");
        form.put("client_secret", secret);
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        return send(HttpRequest.newBuilder(URI.create(base() + "/dev/oidc/token"))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json"));
    }

    @Test
    void theProviderRefusesWhatARealProviderRefuses() {
        OwnRequest good = ownRequest();
        HttpResponse<String> page = authorize(good);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<button type=\"submit\" name=\"user\" value=\"demo-patient-aino\""), page.body());

        // an unknown client or an unregistered redirect URI: a page, never a redirect to the given address
        HttpResponse<String> badClient = authorize(good.with("client_id", "evil"));
        assertEquals(400, badClient.statusCode());
        assertNull(location(badClient));
        assertTrue(badClient.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String redirect : List.of("https://evil.example/oauth/callback/vointi", base() + "/elsewhere",
                callback() + "?x=1", "http://localhost:1/oauth/callback/vointi")) {
            HttpResponse<String> badRedirect = authorize(good.with("redirect_uri", redirect));
            assertEquals(400, badRedirect.statusCode(), redirect);
            assertNull(location(badRedirect), redirect);
        }
        HttpResponse<String> postedBadClient = postForm("/dev/oidc/authorize",
                Map.of("client_id", "evil", "redirect_uri", "https://evil.example/", "user", "demo-patient-aino"));
        assertEquals(400, postedBadClient.statusCode());
        assertNull(location(postedBadClient));

        // the rest is told to the registered client (RFC 6749 4.1.2.1)
        assertRedirectError(authorize(good.with("response_type", "token")), "unsupported_response_type");
        assertRedirectError(authorize(good.with("scope", "profile")), "invalid_scope");
        assertRedirectError(authorize(good.with("state", null)), "invalid_request");
        assertRedirectError(authorize(good.with("nonce", null)), "invalid_request");
        assertRedirectError(authorize(good.with("code_challenge", null)), "invalid_request");
        assertRedirectError(authorize(good.with("code_challenge_method", "plain")), "invalid_request");
        assertRedirectError(authorize(good.with("code_challenge_method", null)), "invalid_request");
        assertRedirectError(authorize(good.with("code_challenge", "too-short")), "invalid_request");
        Map<String, String> posted = new LinkedHashMap<>(good.with("code_challenge", null).parameters());
        posted.put("user", "demo-patient-aino");
        assertRedirectError(postForm("/dev/oidc/authorize", posted), "invalid_request");
        Map<String, String> backend = new LinkedHashMap<>(good.parameters());
        backend.put("user", "demo-ehr");
        assertRedirectError(postForm("/dev/oidc/authorize", backend), "access_denied");

        // the token endpoint: wrong verifier spends the code; a code works once; bound to the redirect URI and client
        String code = code(good, "demo-patient-aino");
        assertTokenError(token(code, ownRequest().verifier(), callback(), "vointi-dev-only-secret"), 400, "invalid_grant");
        assertTokenError(token(code, good.verifier(), callback(), "vointi-dev-only-secret"), 400, "invalid_grant");

        String noVerifier = code(good, "demo-patient-aino");
        assertTokenError(token(noVerifier, null, callback(), "vointi-dev-only-secret"), 400, "invalid_grant");

        String otherRedirect = code(good, "demo-patient-aino");
        assertTokenError(token(otherRedirect, good.verifier(), base() + "/elsewhere", "vointi-dev-only-secret"), 400, "invalid_grant");

        String wrongSecret = code(good, "demo-patient-aino");
        assertTokenError(token(wrongSecret, good.verifier(), callback(), "guess"), 401, "invalid_client");

        String fine = code(good, "demo-patient-aino");
        HttpResponse<String> tokens = token(fine, good.verifier(), callback(), "vointi-dev-only-secret");
        assertEquals(200, tokens.statusCode(), tokens.body());
        assertTrue(tokens.body().contains("\"id_token\"") && tokens.body().contains("\"access_token\""), tokens.body());
        assertTokenError(token(fine, good.verifier(), callback(), "vointi-dev-only-secret"), 400, "invalid_grant");

        HttpResponse<String> discovery = get("/dev/oidc/.well-known/openid-configuration", "Accept", "application/json");
        assertEquals(200, discovery.statusCode());
        assertTrue(discovery.body().contains("\"code_challenge_methods_supported\":[\"S256\"]"), discovery.body());
        HttpResponse<String> jwks = get("/dev/oidc/jwks", "Accept", "application/json");
        assertTrue(jwks.body().contains("\"kid\":\"vointi-dev\"") && !jwks.body().contains("\"d\""), "public key only: " + jwks.body());
    }

    void assertRedirectError(HttpResponse<String> response, String error) {
        assertEquals(303, response.statusCode(), response.body());
        String target = location(response);
        assertTrue(target.startsWith(callback() + "?"), target);
        assertEquals(error, query(target).get("error"), target);
        assertFalse(query(target).containsKey("code"));
    }

    static void assertTokenError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"error\":\"" + error + "\""), response.body());
        assertFalse(response.body().contains("id_token"));
    }

    /** The whole flow as a browser does it: /signin, the provider's page, the callback; returns the callback's answer. */
    HttpResponse<String> signIn(String returnPath, String user) {
        HttpResponse<String> start = get("/signin?return=" + URLEncoder.encode(returnPath, StandardCharsets.UTF_8));
        assertEquals(302, start.statusCode(), start.body());
        String authorize = location(start);
        Map<String, String> parameters = query(authorize);
        assertEquals("S256", parameters.get("code_challenge_method"));
        assertEquals(callback(), parameters.get("redirect_uri"));
        assertEquals(200, get(authorize).statusCode());
        Map<String, String> form = new LinkedHashMap<>(parameters);
        form.put("user", user);
        HttpResponse<String> chosen = postForm("/dev/oidc/authorize", form, "Origin", base());
        assertEquals(303, chosen.statusCode());
        return get(location(chosen));
    }

    long sessions(String subject) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE subject = ?", subject);
    }

    @Test
    void theFlowEndsInASessionWhoseCallerIsTheBearerTokensCaller() {
        long before = sessions("demo-patient-aino");
        HttpResponse<String> done = signIn("/", "demo-patient-aino");
        assertEquals(303, done.statusCode(), done.body());
        assertEquals("/", location(done));
        String setCookie = done.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("vointi_session="))
                .findFirst().orElseThrow();
        assertTrue(setCookie.contains("HTTPOnly") || setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http in dev/test: " + setCookie);
        String id = cookie("vointi_session");
        assertTrue(Base64.getUrlDecoder().decode(id).length >= 16, "at least 128 random bits");
        assertEquals(before + 1, sessions("demo-patient-aino"));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE id_sha256 = ?", id), "the id itself is not stored");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE id_sha256 = ?", SessionStore.sha256Hex(id)));
        String claims = Db.strings(dataSource, "SELECT claims_json FROM web_session WHERE id_sha256 = ?", SessionStore.sha256Hex(id)).get(0);
        assertTrue(claims.contains("\"patient\":\"demo-aino\"") && claims.contains("\"roles\":[\"patient\"]"), claims);
        assertFalse(claims.contains("nonce") || claims.contains("id_token"), claims);

        // the page header
        HttpResponse<String> home = get("/");
        assertTrue(home.body().contains("Aino Demo") && home.body().contains("action=\"/signout\""), home.body());

        // the same answers as a bearer token with the same claims (AccessPolicy, one rule set)
        String bearer = issuer.issue("demo-patient-aino", DemoUsers.byName("demo-patient-aino").orElseThrow().claims(), Duration.ofMinutes(5));
        for (String path : List.of("/fhir/Patient/demo-aino/$everything", "/fhir/Patient/demo-eero/$everything",
                "/fhir/QuestionnaireResponse?patient=demo-aino", "/api/patients/demo-aino/scores?code=demo-wellbeing-prom.total")) {
            HttpResponse<String> withCookie = get(path, "Accept", "application/fhir+json");
            HttpResponse<String> withToken = send(HttpRequest.newBuilder(URI.create(base() + path)).GET()
                    .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + bearer));
            assertEquals(withToken.statusCode(), withCookie.statusCode(), path + ": " + withCookie.body());
        }
        assertEquals(200, get("/fhir/Patient/demo-aino/$everything", "Accept", "application/fhir+json").statusCode());
        HttpResponse<String> anonymous = HttpClientWithout.cookies(base() + "/fhir/Patient/demo-aino/$everything");
        assertEquals(401, anonymous.statusCode());

        // a bearer token wins over the cookie (Eero's token with Aino's cookie sees only Eero)
        String eero = issuer.issue("demo-patient-eero", DemoUsers.byName("demo-patient-eero").orElseThrow().claims(), Duration.ofMinutes(5));
        HttpResponse<String> mixed = send(HttpRequest.newBuilder(URI.create(base() + "/fhir/Patient/demo-aino/$everything")).GET()
                .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + eero));
        HttpResponse<String> eeroAlone = HttpClientWithout.cookies(base() + "/fhir/Patient/demo-aino/$everything", eero);
        assertEquals(eeroAlone.statusCode(), mixed.statusCode());
        assertTrue(mixed.statusCode() == 403 || mixed.statusCode() == 404, "Eero may not export Aino's data: " + mixed.statusCode());

        // JSON/FHIR writes are not signed in by the cookie (cross-site rule): bearer 201, cookie alone 401
        String answer = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM
                + "\",\"subject\":{\"reference\":\"Patient/demo-aino\"}}";
        HttpResponse<String> cookieWrite = send(HttpRequest.newBuilder(URI.create(base() + "/fhir/QuestionnaireResponse"))
                .POST(HttpRequest.BodyPublishers.ofString(answer)).header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json"));
        assertEquals(401, cookieWrite.statusCode(), cookieWrite.body());
        HttpResponse<String> tokenWrite = send(HttpRequest.newBuilder(URI.create(base() + "/fhir/QuestionnaireResponse"))
                .POST(HttpRequest.BodyPublishers.ofString(answer)).header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + bearer));
        assertEquals(201, tokenWrite.statusCode(), tokenWrite.body());

        // a cross-site sign-out post is refused before anything happens; our own form signs out
        HttpResponse<String> forged = postForm("/signout", Map.of(), "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertEquals(403, forged.statusCode());
        assertEquals(200, get("/fhir/Patient/demo-aino/$everything", "Accept", "application/fhir+json").statusCode());
        HttpResponse<String> out = postForm("/signout", Map.of(), "Origin", base(), "Sec-Fetch-Site", "same-origin");
        assertEquals(303, out.statusCode());
        assertEquals("/?signedout=1", location(out));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE id_sha256 = ?", SessionStore.sha256Hex(id)));
        assertTrue(out.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("vointi_session=;") && c.contains("Max-Age=0")));
        // the old cookie, presented again by someone who kept it, signs nobody in
        HttpResponse<String> replay = send(HttpRequest.newBuilder(URI.create(base() + "/fhir/Patient/demo-aino/$everything")).GET()
                .header("Accept", "application/fhir+json").header("Cookie", "vointi_session=" + id));
        assertEquals(401, replay.statusCode());
        assertTrue(get("/?signedout=1").body().contains("role=\"status\""));
    }

    @Test
    void sessionsEndAfterTheIdleAndAbsoluteTimeoutsAndAreDeleted() {
        assertEquals(303, signIn("/", "demo-patient-aino").statusCode());
        String id = cookie("vointi_session");
        String hash = SessionStore.sha256Hex(id);
        Instant now = Instant.now();
        // 29 minutes idle: still alive, and the request moves last_seen
        Db.update(dataSource, "UPDATE web_session SET last_seen_at = ? WHERE id_sha256 = ?", Timestamp.from(now.minus(Duration.ofMinutes(29))), hash);
        assertEquals(200, get("/fhir/Patient/demo-aino/$everything", "Accept", "application/fhir+json").statusCode());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE id_sha256 = ? AND last_seen_at > ?", hash,
                Timestamp.from(now.minus(Duration.ofMinutes(1)))), "last seen moved to now");
        // 31 minutes idle: refused and deleted
        Db.update(dataSource, "UPDATE web_session SET last_seen_at = ? WHERE id_sha256 = ?", Timestamp.from(now.minus(Duration.ofMinutes(31))), hash);
        assertEquals(401, get("/fhir/Patient/demo-aino/$everything", "Accept", "application/fhir+json").statusCode());
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE id_sha256 = ?", hash));
        // a protected page then sends the browser to sign in again, with the way back
        HttpResponse<String> page = get("/app/results?x=1");
        assertEquals(303, page.statusCode());
        assertEquals("/signin?return=%2Fapp%2Fresults%3Fx%3D1", location(page));

        // active all the time, but signed in over 12 hours ago: refused and deleted
        assertEquals(303, signIn("/", "demo-patient-aino").statusCode());
        String second = SessionStore.sha256Hex(cookie("vointi_session"));
        Db.update(dataSource, "UPDATE web_session SET created_at = ?, last_seen_at = ? WHERE id_sha256 = ?",
                Timestamp.from(now.minus(Duration.ofHours(12)).minus(Duration.ofMinutes(1))), Timestamp.from(now), second);
        assertEquals(401, get("/fhir/Patient/demo-aino/$everything", "Accept", "application/fhir+json").statusCode());
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE id_sha256 = ?", second));
    }

    @Test
    void failedAndCancelledSignInsArePagesAndReturnPathsAreLocal() {
        // the provider says the person cancelled: a page in the person's language with a link to try again
        HttpResponse<String> start = get("/signin?return=/&lang=sv");
        Map<String, String> parameters = query(location(start));
        HttpResponse<String> cancelled = get(callback() + "?error=access_denied&state="
                + URLEncoder.encode(parameters.get("state"), StandardCharsets.UTF_8));
        assertEquals(200, cancelled.statusCode());
        assertTrue(cancelled.body().contains("<html lang=\"sv\">") && cancelled.body().contains("Inloggningen avbröts"), cancelled.body());
        assertTrue(cancelled.body().contains("href=\"/signin?return=%2F\""), cancelled.body());

        // a callback with a state that is not ours (forged, or another tab's): refused, no session
        get("/signin?return=/");
        HttpResponse<String> forged = get(callback() + "?code=abc&state=" + URLEncoder.encode(
                Base64.getEncoder().encodeToString("{\"nonce\":\"x\"}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        assertEquals(400, forged.statusCode());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(forged.body().contains("Kirjautuminen ei onnistunut") || forged.body().contains("Inloggningen lyckades inte"), forged.body());
        assertFalse(forged.body().contains("Exception"));
        assertNull(cookie("vointi_session"));

        // the same code twice (Back to the callback): the second is refused by the provider and shown as a page
        HttpResponse<String> startAgain = get("/signin?return=/");
        Map<String, String> p = query(location(startAgain));
        Map<String, String> form = new LinkedHashMap<>(p);
        form.put("user", "demo-patient-aino");
        String callbackUrl = location(postForm("/dev/oidc/authorize", form));
        assertEquals(303, get(callbackUrl).statusCode());
        HttpResponse<String> again = get(callbackUrl);
        assertEquals(400, again.statusCode(), again.body());
        assertTrue(again.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));

        // only local paths come back
        for (String evil : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                "/%2f%2fevil.example", "evil")) {
            freshBrowser();
            get("/signin?return=" + URLEncoder.encode(evil, StandardCharsets.UTF_8));
            assertEquals("/app", cookie("vointi_signin_return"), evil);
        }
        freshBrowser();
        get("/signin?return=" + URLEncoder.encode("/app/results?patient=demo-onni", StandardCharsets.UTF_8));
        assertEquals("/app/results?patient=demo-onni", cookie("vointi_signin_return"));
        freshBrowser();
        get("/signin");
        assertEquals("/app", cookie("vointi_signin_return"), "the default return path");
    }

    /** A request from a client with no cookies at all. */
    static final class HttpClientWithout {
        static HttpResponse<String> cookies(String url, String... bearer) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "application/fhir+json");
                if (bearer.length > 0) {
                    request.header("Authorization", "Bearer " + bearer[0]);
                }
                return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void returnPathsArePureLogic() {
        assertEquals("/", ReturnPaths.safe("/"));
        assertEquals("/app/answer/x?task=1&lang=sv", ReturnPaths.safe("/app/answer/x?task=1&lang=sv"));
        assertEquals("/app", ReturnPaths.safe(null));
        assertEquals("/app", ReturnPaths.safe("//evil.example"));
        assertEquals("/app", ReturnPaths.safe("/\\evil.example"));
        assertEquals("/app", ReturnPaths.safe("https://evil.example"));
        assertEquals("/app", ReturnPaths.safe("/ space"));
        assertEquals("/app", ReturnPaths.safe("/a\nb"));
        assertNotNull(ReturnPaths.DEFAULT);
    }
}
