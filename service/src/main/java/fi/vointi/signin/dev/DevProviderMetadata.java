package fi.vointi.signin.dev;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.security.oauth2.client.DefaultOpenIdProviderMetadata;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcher;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcherFactory;
import io.micronaut.security.oauth2.configuration.OpenIdClientConfiguration;

import java.util.List;

/**
 * Dev mode: Micronaut's OIDC client gets the built-in provider's metadata from memory instead of fetching
 * {@code /.well-known/openid-configuration} over HTTP. Why: the client reads its provider's discovery document when its
 * beans are created, during start-up, when this very service is not listening yet (and in tests its port is not even
 * chosen), so the fetch would fail and the client would be disabled. Replacing the {@link OpenIdProviderMetadataFetcher}
 * is the supported hook for that. The metadata says the same as {@code GET /dev/oidc/.well-known/openid-configuration};
 * the token endpoint, which the server itself calls, is resolved from the running server's address when it is first
 * used (the first sign-in). The browser-facing authorization endpoint is a local path. No JWKS URI is given to the
 * client: the ID token is signed with the dev key, which the JWT validator already knows (DevTokenIssuer).
 */
@Factory
@Requires(property = "vointi.security.dev-issuer.enabled", value = "true")
class DevProviderMetadata {

    @EachBean(OpenIdClientConfiguration.class)
    @Replaces(factory = OpenIdProviderMetadataFetcherFactory.class, bean = OpenIdProviderMetadataFetcher.class)
    OpenIdProviderMetadataFetcher devFetcher(@Parameter OpenIdClientConfiguration configuration,
                                             BeanProvider<EmbeddedServer> server,
                                             @Value("${vointi.security.issuer}") String issuer) {
        return new OpenIdProviderMetadataFetcher() {
            @Override
            public DefaultOpenIdProviderMetadata fetch() {
                return metadata(configuration.getName(), issuer, server);
            }

            @Override
            public String getName() {
                return configuration.getName();
            }
        };
    }

    static DefaultOpenIdProviderMetadata metadata(String name, String issuer, BeanProvider<EmbeddedServer> server) {
        DefaultOpenIdProviderMetadata metadata = new DefaultOpenIdProviderMetadata(name) {
            @Override
            public String getTokenEndpoint() {
                return server.get().getURI().resolve(DevOidcController.BASE + "/token").toString();
            }
        };
        metadata.setIssuer(issuer);
        metadata.setAuthorizationEndpoint(DevOidcController.BASE + "/authorize");
        metadata.setTokenEndpointAuthMethodsSupported(List.of("client_secret_post"));
        metadata.setCodeChallengeMethodsSupported(List.of("S256"));
        metadata.setResponseTypesSupported(List.of("code"));
        metadata.setScopesSupported(List.of("openid"));
        metadata.setSubjectTypesSupported(List.of("public"));
        metadata.setIdTokenSigningAlgValuesSupported(List.of("RS256"));
        metadata.setGrantTypesSupported(List.of("authorization_code"));
        return metadata;
    }
}
