package fi.vointi.signin.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import fi.vointi.support.Db;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMART App Launch v2 EHR launch over HTTP, on H2 and PostgreSQL: the dev EHR's launch, the {@code iss} check, the
 * authorization request Micronaut's OIDC client makes (launch, aud, scope, with state, nonce and PKCE), the dev
 * provider's launch context (the clinician signed in at once, {@code patient} in the token response, never in the ID
 * token, a launch value used once), and the session keeping the launch patient so that {@code /staff/launched} lands on
 * that patient; a plain sign-in has no launch patient.
 */
@MicronautTest(transactional = false)
class SmartLaunchFlowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;

    CookieManager cookies;
    HttpClient http;

    @BeforeEach
    void freshBrowser() {
        cookies = new CookieManager();
        http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    String base() {
        return "http://localhost:" + server.getPort();
    }

    HttpResponse<String> get(String pathOrUrl) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base() + pathOrUrl))
                .header("Accept", "text/html").header("Accept-Language", "en").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, Map<String, String> form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base())
                .header("Accept", "text/html").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location: " + response.statusCode()));
    }

    String devLaunch(String clinician, String patient) throws Exception {
        HttpResponse<String> launched = postForm("/dev/ehr/launch", Map.of("clinician", clinician, "patient", patient));
        assertEquals(303, launched.statusCode(), launched.body());
        String target = location(launched);
        assertTrue(target.startsWith("/launch?"), target);
        assertEquals(SmartLaunch.DEV_EHR_ISSUER, query(target).get("iss"));
        return target;
    }

    @Test
    void anEhrLaunchSignsTheClinicianInAndLandsOnTheLaunchPatient() throws Exception {
        String launchPath = devLaunch("demo-clinician-pekka", "demo-eero");
        String launch = query(launchPath).get("launch");
        HttpResponse<String> start = get(launchPath);
        assertEquals(3, start.statusCode() / 100, start.body());
        Map<String, String> authorization = query(location(start));
        assertEquals(SmartLaunch.SCOPE, authorization.get("scope"));
        assertEquals(launch, authorization.get("launch"));
        assertEquals(SmartLaunch.DEV_EHR_ISSUER, authorization.get("aud"));
        assertEquals("S256", authorization.get("code_challenge_method"));
        assertFalse(authorization.getOrDefault("state", "").isBlank() || authorization.getOrDefault("nonce", "").isBlank());

        // the dev provider plays the EHR's authorization server: the launch's clinician is signed in at once
        HttpResponse<String> authorized = get(location(start));
        assertEquals(303, authorized.statusCode(), authorized.body());
        String callback = location(authorized);
        assertTrue(callback.startsWith(base() + "/oauth/callback/vointi?code="), callback);
        HttpResponse<String> done = get(callback);
        assertEquals(303, done.statusCode(), done.body());
        assertEquals(SmartLaunch.LANDING, location(done));
        String session = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("vointi_session"))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
        String claims = Db.strings(dataSource, "SELECT claims_json FROM web_session WHERE id_sha256 = ?",
                java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(session.getBytes(StandardCharsets.UTF_8)))).get(0);
        assertTrue(claims.contains("\"launch_patient\":\"demo-eero\""), claims);
        assertFalse(claims.contains("\"patient\":"), "a clinician is not the patient: " + claims);

        HttpResponse<String> landed = get(SmartLaunch.LANDING);
        assertEquals(303, landed.statusCode());
        assertEquals("/staff/patients/demo-eero?lang=en", location(landed));
        HttpResponse<String> page = get(location(landed));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("Patient Eero"), page.body());

        // a launch value works once
        HttpResponse<String> again = get(location(start));
        assertEquals(303, again.statusCode());
        assertEquals("invalid_request", query(location(again)).get("error"));
    }

    @Test
    void theTokenResponseCarriesThePatientAndTheIdTokenDoesNot() throws Exception {
        String launch = query(devLaunch("demo-clinician-maija", "demo-onni")).get("launch");
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> request = new LinkedHashMap<>();
        request.put("client_id", "vointi");
        request.put("redirect_uri", base() + "/oauth/callback/vointi");
        request.put("response_type", "code");
        request.put("scope", "openid fhirUser"); // without launch
        request.put("state", "s1");
        request.put("nonce", "n1");
        request.put("code_challenge", challenge);
        request.put("code_challenge_method", "S256");
        request.put("launch", launch);
        request.put("aud", SmartLaunch.DEV_EHR_ISSUER);
        assertEquals("invalid_scope", query(location(get("/dev/oidc/authorize?" + encode(request)))).get("error"));
        request.put("scope", SmartLaunch.SCOPE);
        request.put("aud", "https://other-ehr.example/fhir");
        assertEquals("invalid_request", query(location(get("/dev/oidc/authorize?" + encode(request)))).get("error"));
        request.put("aud", SmartLaunch.DEV_EHR_ISSUER);
        HttpResponse<String> authorized = get("/dev/oidc/authorize?" + encode(request));
        assertEquals(303, authorized.statusCode(), authorized.body());
        String code = query(location(authorized)).get("code");

        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", base() + "/oauth/callback/vointi");
        form.put("client_id", "vointi");
        form.put("client_secret", "vointi-dev-only-secret");
        form.put("code_verifier", verifier);
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base() + "/dev/oidc/token"))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).header("Content-Type", "application/x-www-form-urlencoded")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        JsonNode body = JSON.readTree(token.body());
        assertEquals("demo-onni", body.get("patient").asText());
        assertEquals(SmartLaunch.SCOPE, body.get("scope").asText());
        var idClaims = SignedJWT.parse(body.get("id_token").asText()).getJWTClaimsSet();
        assertEquals("demo-clinician-maija", idClaims.getSubject());
        assertNull(idClaims.getClaim("patient"), "the launch context is not an identity claim");
    }

    @Test
    void unknownIssuerOrBadLaunchIsAPageAndAPlainSignInHasNoLaunchPatient() throws Exception {
        HttpResponse<String> unknown = get("/launch?iss=" + URLEncoder.encode("https://evil.example/fhir", StandardCharsets.UTF_8)
                + "&launch=abc");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(unknown.body().contains("Unknown patient record system"), unknown.body());
        assertEquals(400, get("/launch?launch=abc").statusCode(), "no iss");
        HttpResponse<String> badLaunch = get("/launch?iss=" + URLEncoder.encode(SmartLaunch.DEV_EHR_ISSUER, StandardCharsets.UTF_8)
                + "&launch=a%20b");
        assertEquals(400, badLaunch.statusCode());
        assertTrue(badLaunch.body().contains("The opening link is incomplete"), badLaunch.body());
        assertEquals(400, postForm("/dev/ehr/launch", Map.of("clinician", "demo-patient-aino", "patient", "demo-eero")).statusCode(),
                "only clinicians launch");

        // a plain sign-in as the same clinician: no launch context, /staff/launched goes to the landing page
        HttpResponse<String> start = get("/signin?return=" + URLEncoder.encode(SmartLaunch.LANDING, StandardCharsets.UTF_8));
        Map<String, String> parameters = query(location(start));
        assertEquals("openid", parameters.get("scope"));
        assertNull(parameters.get("launch"));
        Map<String, String> chosen = new LinkedHashMap<>(parameters);
        chosen.keySet().retainAll(java.util.List.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                "code_challenge", "code_challenge_method"));
        chosen.put("user", "demo-clinician-pekka");
        HttpResponse<String> code = postForm("/dev/oidc/authorize", chosen);
        assertEquals(303, code.statusCode(), code.body());
        HttpResponse<String> done = get(location(code));
        assertEquals(SmartLaunch.LANDING, location(done));
        assertEquals("/staff?lang=en", location(get(SmartLaunch.LANDING)));
        assertEquals(200, get("/staff?lang=en").statusCode());
        // the staff pages answer others with a page, and anonymous browsers are sent to sign in
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> anonymous = get("/staff/patients/demo-eero?lang=en");
        assertEquals(303, anonymous.statusCode());
        assertEquals("/signin?return=%2Fstaff%2Fpatients%2Fdemo-eero%3Flang%3Den", location(anonymous));
    }
}
