package fi.vointi.signin.dev;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.signin.SignInController;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.PublicBase;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Dev mode only: the service plays a small OpenID Connect provider under {@value #BASE}, so that signing in to the pages
 * works end to end without the county's identity provider, through the same OIDC client as production. Discovery,
 * authorization (a page listing the demo people of {@link DemoUsers} as buttons), token and JWKS. It checks what a
 * real provider checks: the client id and secret, the redirect URI against the one registered (this service's own
 * {@code /oauth/callback/vointi}), {@code response_type=code}, {@code state}, {@code nonce}, and PKCE with S256; codes
 * are single use, live {@link DevAuthorizationCodes#LIFETIME} and are bound to the verifier and the redirect URI.
 * Tokens are signed with the dev key of {@link DevTokenIssuer} (Nimbus JOSE). Refused outside dev mode (DevModeGuard).
 */
@Controller(DevOidcController.BASE)
@Secured(SecurityRule.IS_ANONYMOUS)
@Requires(bean = DevTokenIssuer.class)
public class DevOidcController {
    public static final String BASE = "/dev/oidc";
    static final Duration ID_TOKEN_LIFETIME = Duration.ofMinutes(5);
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(10);
    private static final List<String> PARAMETERS = List.of("client_id", "redirect_uri", "response_type", "scope", "state",
            "nonce", "code_challenge", "code_challenge_method", "launch", "aud");

    private final DevTokenIssuer issuer;
    private final DevAuthorizationCodes codes;
    private final DevLaunchContexts launches;
    private final HtmlPages pages;
    private final PublicBase publicBase;
    private final String issuerName;
    private final String audience;
    private final String clientId;
    private final String clientSecret;
    private final String callbackPath;

    public DevOidcController(DevTokenIssuer issuer, DevAuthorizationCodes codes, DevLaunchContexts launches,
                             HtmlPages pages, PublicBase publicBase,
                             @Value("${vointi.security.issuer}") String issuerName,
                             @Value("${vointi.security.audience}") String audience,
                             @Value("${micronaut.security.oauth2.clients.vointi.client-id}") String clientId,
                             @Value("${micronaut.security.oauth2.clients.vointi.client-secret}") String clientSecret) {
        this.issuer = issuer;
        this.codes = codes;
        this.launches = launches;
        this.pages = pages;
        this.publicBase = publicBase;
        this.issuerName = issuerName;
        this.audience = audience;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.callbackPath = "/oauth/callback/" + SignInController.PROVIDER;
    }

    /** A demo person on the provider page. */
    public record Person(String user, String name, String who) {
    }

    /** The provider page: the request's parameters carried as hidden fields, and the people to choose from. */
    public record ProviderView(List<Map.Entry<String, String>> hidden, List<Person> people) {
    }

    @Get(uri = "/.well-known/openid-configuration", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> discovery(HttpRequest<?> request) {
        String base = ownOrigin(request) + BASE;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuerName);
        body.put("authorization_endpoint", base + "/authorize");
        body.put("token_endpoint", base + "/token");
        body.put("jwks_uri", base + "/jwks");
        body.put("response_types_supported", List.of("code"));
        body.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
        body.put("subject_types_supported", List.of("public"));
        body.put("id_token_signing_alg_values_supported", List.of("RS256"));
        body.put("scopes_supported", List.of("openid", "launch", "fhirUser"));
        body.put("token_endpoint_auth_methods_supported", List.of("client_secret_post"));
        body.put("code_challenge_methods_supported", List.of("S256"));
        body.put("claims_supported", List.of("sub", "name", "roles", "patient", "guardian_of", "units", "nonce"));
        return body;
    }

    @Get(uri = "/jwks", produces = MediaType.APPLICATION_JSON)
    public String jwks() {
        RSAKey key = new RSAKey.Builder(issuer.getPublicKey()).keyID("vointi-dev").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).build();
        return new JWKSet(key).toString(true);
    }

    @Get(uri = "/authorize", produces = MediaType.TEXT_HTML)
    public MutableHttpResponse<?> authorize(HttpRequest<?> request) {
        Map<String, String> parameters = parameters(request.getParameters().asMap());
        MutableHttpResponse<?> refusal = refusal(request, parameters);
        if (refusal != null) {
            return refusal;
        }
        if (parameters.containsKey("launch")) {
            return launch(parameters);
        }
        String lang = Languages.of(request);
        Page page = Page.of(request, lang, Messages.get(lang, "signin.dev.title"));
        return pages.render(request, HttpStatus.OK, "signin/provider", page, new ProviderView(
                new ArrayList<>(parameters.entrySet()), people(lang)));
    }

    @Post(uri = "/authorize", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    public MutableHttpResponse<?> choose(HttpRequest<?> request, @Body Map<String, String> form) {
        Map<String, String> parameters = parameters(form);
        MutableHttpResponse<?> refusal = refusal(request, parameters);
        if (refusal != null) {
            return refusal;
        }
        String user = form.get("user");
        if (form.containsKey("cancel") || user == null) {
            return backWithError(parameters, "access_denied", "The person did not sign in");
        }
        if (DemoUsers.byName(user).filter(DevOidcController::isPerson).isEmpty()) {
            return backWithError(parameters, "access_denied", "Unknown demo person");
        }
        String code = codes.issue(user, parameters.get("client_id"), parameters.get("redirect_uri"),
                parameters.get("code_challenge"), parameters.get("nonce"), null);
        return HttpResponse.seeOther(URI.create(UriBuilder.of(parameters.get("redirect_uri")).queryParam("code", code)
                .queryParam("state", parameters.get("state")).toString())).header("Cache-Control", "no-store");
    }

    /**
     * An EHR launch (SMART App Launch v2): the launch value names the clinician at the dev EHR and the patient open
     * there, so the code is issued to that clinician at once (the EHR's single sign-on) and carries the patient.
     */
    private MutableHttpResponse<?> launch(Map<String, String> parameters) {
        if (!List.of(parameters.getOrDefault("scope", "").split(" ")).contains("launch")) {
            return backWithError(parameters, "invalid_scope", "an EHR launch needs the scope launch");
        }
        if (!fi.vointi.signin.smart.SmartLaunch.DEV_EHR_ISSUER.equals(parameters.get("aud"))) {
            return backWithError(parameters, "invalid_request", "aud must be the EHR's iss");
        }
        DevLaunchContexts.Context context = launches.take(parameters.get("launch")).orElse(null);
        if (context == null) {
            return backWithError(parameters, "invalid_request", "Unknown, used or expired launch");
        }
        String code = codes.issue(context.user(), parameters.get("client_id"), parameters.get("redirect_uri"),
                parameters.get("code_challenge"), parameters.get("nonce"), context.patientId());
        return HttpResponse.seeOther(URI.create(UriBuilder.of(parameters.get("redirect_uri")).queryParam("code", code)
                .queryParam("state", parameters.get("state")).toString())).header("Cache-Control", "no-store");
    }

    @Post(uri = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<Map<String, Object>> token(@Body Map<String, String> form) {
        if ("client_credentials".equals(form.get("grant_type"))) {
            return backendToken(form.get("client_id"));
        }
        if (!"authorization_code".equals(form.get("grant_type"))) {
            return tokenError(HttpStatus.BAD_REQUEST, "unsupported_grant_type",
                    "Only authorization_code and client_credentials are supported");
        }
        if (!clientId.equals(form.get("client_id")) || !secretMatches(form.get("client_secret"))) {
            return tokenError(HttpStatus.UNAUTHORIZED, "invalid_client", "Unknown client or wrong secret");
        }
        // taken out first: a code is spent by any attempt, right or wrong
        DevAuthorizationCodes.Grant grant = codes.take(form.get("code")).orElse(null);
        if (grant == null) {
            return tokenError(HttpStatus.BAD_REQUEST, "invalid_grant", "Unknown, used or expired code");
        }
        if (!grant.clientId().equals(form.get("client_id")) || !grant.redirectUri().equals(form.get("redirect_uri"))) {
            return tokenError(HttpStatus.BAD_REQUEST, "invalid_grant", "The code was issued to another client or redirect URI");
        }
        if (!Pkce.matches(form.get("code_verifier"), grant.codeChallenge())) {
            return tokenError(HttpStatus.BAD_REQUEST, "invalid_grant", "The code_verifier does not match the code_challenge");
        }
        DemoUsers.DemoUser person = DemoUsers.byName(grant.user()).orElseThrow();
        Instant now = Instant.now();
        Map<String, Object> idClaims = new LinkedHashMap<>(person.claims());
        idClaims.put("name", DemoUsers.displayName(person.name()));
        idClaims.put("nonce", grant.nonce());
        idClaims.put("auth_time", now.getEpochSecond());
        Map<String, Object> accessClaims = new LinkedHashMap<>(person.claims());
        accessClaims.put("name", DemoUsers.displayName(person.name()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issuer.issue(person.name(), accessClaims, now, ACCESS_TOKEN_LIFETIME, audience));
        body.put("id_token", issuer.issue(person.name(), idClaims, now, ID_TOKEN_LIFETIME, grant.clientId()));
        body.put("token_type", "Bearer");
        body.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
        if (grant.launchPatient() != null) {
            // SMART launch context: the patient open in the EHR (launch/patient)
            body.put("patient", grant.launchPatient());
            body.put("scope", fi.vointi.signin.smart.SmartLaunch.SCOPE);
        }
        return HttpResponse.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }

    /**
     * SMART Backend Services in dev mode, so that the token endpoint of {@code /.well-known/smart-configuration} serves
     * backend clients too: the demo backend clients ({@code demo-ehr}, {@code demo-warehouse}) get their scopes, as from
     * {@code POST /dev/token}. No client authentication: demo clients only, and dev mode only.
     */
    private MutableHttpResponse<Map<String, Object>> backendToken(String client) {
        DemoUsers.DemoUser demo = client == null ? null : DemoUsers.byName(client).filter(u -> !isPerson(u)).orElse(null);
        if (demo == null) {
            return tokenError(HttpStatus.UNAUTHORIZED, "invalid_client", "Unknown backend client; see GET /dev/users");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issuer.issue(demo.name(), demo.claims(), Instant.now(), ACCESS_TOKEN_LIFETIME, audience));
        body.put("token_type", "Bearer");
        body.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
        body.put("scope", demo.claims().get("scope"));
        return HttpResponse.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }

    /** The refusals of an authorization request; null when it is acceptable. */
    @Nullable
    private MutableHttpResponse<?> refusal(HttpRequest<?> request, Map<String, String> parameters) {
        if (!clientId.equals(parameters.get("client_id"))) {
            return problemPage(request, "signin.dev.badClient");
        }
        if (!allowedRedirects(request).contains(parameters.get("redirect_uri"))) {
            return problemPage(request, "signin.dev.badRedirect");
        }
        // from here on the redirect URI is the registered one, so the client is told (RFC 6749, 4.1.2.1)
        if (!"code".equals(parameters.get("response_type"))) {
            return backWithError(parameters, "unsupported_response_type", "response_type must be code");
        }
        String scope = parameters.getOrDefault("scope", "");
        if (!List.of(scope.split(" ")).contains("openid")) {
            return backWithError(parameters, "invalid_scope", "scope must include openid");
        }
        if (blank(parameters.get("state")) || blank(parameters.get("nonce"))) {
            return backWithError(parameters, "invalid_request", "state and nonce are required");
        }
        if (!"S256".equals(parameters.get("code_challenge_method")) || !Pkce.validChallenge(parameters.get("code_challenge"))) {
            return backWithError(parameters, "invalid_request", "PKCE with code_challenge_method=S256 is required");
        }
        return null;
    }

    private MutableHttpResponse<?> problemPage(HttpRequest<?> request, String key) {
        String lang = Languages.of(request);
        String title = Messages.get(lang, "signin.dev.refused.title");
        Page page = Page.of(request, lang, title);
        return pages.message(request, HttpStatus.BAD_REQUEST, page, new HtmlPages.MessageView(title, Messages.get(lang, key),
                "/", Messages.get(lang, "error.home"), null, true));
    }

    private static MutableHttpResponse<?> backWithError(Map<String, String> parameters, String error, String description) {
        UriBuilder target = UriBuilder.of(parameters.get("redirect_uri")).queryParam("error", error)
                .queryParam("error_description", description);
        if (!blank(parameters.get("state"))) {
            target.queryParam("state", parameters.get("state"));
        }
        return HttpResponse.seeOther(URI.create(target.toString())).header("Cache-Control", "no-store");
    }

    private static MutableHttpResponse<Map<String, Object>> tokenError(HttpStatus status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return HttpResponse.<Map<String, Object>>status(status).body(body).header("Cache-Control", "no-store");
    }

    private boolean secretMatches(@Nullable String secret) {
        return secret != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                clientSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** The registered redirect URI: our callback at the origin the browser uses (or the configured public base). */
    private Set<String> allowedRedirects(HttpRequest<?> request) {
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add(ownOrigin(request) + callbackPath);
        if (publicBase.configuredOrigin() != null) {
            allowed.add(publicBase.configuredOrigin() + callbackPath);
        }
        return allowed;
    }

    private static String ownOrigin(HttpRequest<?> request) {
        String host = request.getHeaders().get("Host");
        return (request.isSecure() ? "https://" : "http://") + (host == null ? "localhost" : host.toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> parameters(Map<String, ? extends Object> source) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : PARAMETERS) {
            Object value = source.get(name);
            if (value instanceof List<?> list) {
                // a repeated parameter is as bad as a missing one (RFC 6749, 3.1)
                value = list.size() == 1 ? list.get(0) : null;
            }
            if (value != null) {
                parameters.put(name, value.toString());
            }
        }
        return parameters;
    }

    private static List<Person> people(String lang) {
        return DemoUsers.ALL.stream().filter(DevOidcController::isPerson)
                .map(u -> new Person(u.name(), DemoUsers.displayName(u.name()), Messages.get(lang, "signin.dev.who." + u.name())))
                .toList();
    }

    /** People sign in on pages; the backend clients (role system) use client credentials. */
    private static boolean isPerson(DemoUsers.DemoUser user) {
        Object roles = user.claims().get("roles");
        return !(roles instanceof List<?> list && list.contains("system"));
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
