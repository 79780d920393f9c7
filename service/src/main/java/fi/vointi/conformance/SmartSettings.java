package fi.vointi.conformance;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * What {@code /.well-known/smart-configuration} says about the county's authorization server ({@code vointi.smart.*}).
 * In dev mode, endpoints left unset are the built-in provider's ({@code /dev/oidc/...}); outside dev mode the
 * document is published only when {@code authorization-endpoint} and {@code token-endpoint} are set. See
 * docs/fhir-conformance.md.
 */
@ConfigurationProperties("vointi.smart")
public class SmartSettings {
    /** The SMART capabilities that hold for the county's authorization server together with this service. */
    static final List<String> DEFAULT_CAPABILITIES = List.of("launch-standalone", "client-confidential-symmetric",
            "client-confidential-asymmetric", "sso-openid-connect", "permission-v1", "permission-v2");
    /** The scopes that grant something here: only system/ scopes (people are authorised by role, not by scope). */
    static final List<String> DEFAULT_SCOPES = List.of("openid", "system/QuestionnaireResponse.crus",
            "system/QuestionnaireResponse.rs", "system/Task.crs", "system/CarePlan.crus", "system/Organization.rs", "system/Location.rs", "system/Encounter.c");

    @Nullable
    private String authorizationEndpoint;
    @Nullable
    private String tokenEndpoint;
    @Nullable
    private String jwksUri;
    @Nullable
    private String introspectionEndpoint;
    @Nullable
    private String revocationEndpoint;
    private List<String> grantTypes = List.of("authorization_code", "client_credentials");
    private List<String> tokenEndpointAuthMethods = List.of("client_secret_basic", "client_secret_post", "private_key_jwt");
    private List<String> tokenEndpointAuthSigningAlgs = List.of("RS384", "ES384");
    private List<String> capabilities = DEFAULT_CAPABILITIES;
    private List<String> scopes = DEFAULT_SCOPES;

    @Nullable
    public String getAuthorizationEndpoint() {
        return authorizationEndpoint;
    }

    public void setAuthorizationEndpoint(@Nullable String authorizationEndpoint) {
        this.authorizationEndpoint = authorizationEndpoint;
    }

    @Nullable
    public String getTokenEndpoint() {
        return tokenEndpoint;
    }

    public void setTokenEndpoint(@Nullable String tokenEndpoint) {
        this.tokenEndpoint = tokenEndpoint;
    }

    @Nullable
    public String getJwksUri() {
        return jwksUri;
    }

    public void setJwksUri(@Nullable String jwksUri) {
        this.jwksUri = jwksUri;
    }

    @Nullable
    public String getIntrospectionEndpoint() {
        return introspectionEndpoint;
    }

    public void setIntrospectionEndpoint(@Nullable String introspectionEndpoint) {
        this.introspectionEndpoint = introspectionEndpoint;
    }

    @Nullable
    public String getRevocationEndpoint() {
        return revocationEndpoint;
    }

    public void setRevocationEndpoint(@Nullable String revocationEndpoint) {
        this.revocationEndpoint = revocationEndpoint;
    }

    public List<String> getGrantTypes() {
        return grantTypes;
    }

    public void setGrantTypes(List<String> grantTypes) {
        this.grantTypes = grantTypes;
    }

    public List<String> getTokenEndpointAuthMethods() {
        return tokenEndpointAuthMethods;
    }

    public void setTokenEndpointAuthMethods(List<String> tokenEndpointAuthMethods) {
        this.tokenEndpointAuthMethods = tokenEndpointAuthMethods;
    }

    public List<String> getTokenEndpointAuthSigningAlgs() {
        return tokenEndpointAuthSigningAlgs;
    }

    public void setTokenEndpointAuthSigningAlgs(List<String> tokenEndpointAuthSigningAlgs) {
        this.tokenEndpointAuthSigningAlgs = tokenEndpointAuthSigningAlgs;
    }

    public List<String> getCapabilities() {
        return capabilities;
    }

    public void setCapabilities(List<String> capabilities) {
        this.capabilities = capabilities;
    }

    public List<String> getScopes() {
        return scopes;
    }

    public void setScopes(List<String> scopes) {
        this.scopes = scopes;
    }
}
