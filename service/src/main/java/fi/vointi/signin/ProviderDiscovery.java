package fi.vointi.signin;

import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.oauth2.client.DefaultOpenIdProviderMetadata;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcher;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcherFactory;
import io.micronaut.security.oauth2.configuration.OpenIdClientConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Production: the identity provider's discovery document is read when the service starts and, if the provider cannot
 * be reached then, again on the next sign-in (at most every {@link #RETRY}), instead of Micronaut's fetch at bean
 * creation. Why: with Micronaut's own fetcher a provider that is down while the service starts broke every request of
 * the service — the JWT validator and the routes depend on the client's beans — until a restart. Now only signing in
 * to the pages waits for the provider (503 page); the FHIR API, feedback and health are served meanwhile. Dev mode
 * has its own metadata from memory ({@code DevProviderMetadata}).
 */
@Factory
@Requires(property = "vointi.security.dev-issuer.enabled", notEquals = "true")
class ProviderDiscovery {
    static final Duration RETRY = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ProviderDiscovery.class);

    @EachBean(OpenIdClientConfiguration.class)
    @Replaces(factory = OpenIdProviderMetadataFetcherFactory.class, bean = OpenIdProviderMetadataFetcher.class)
    OpenIdProviderMetadataFetcher fetcher(@Parameter OpenIdClientConfiguration configuration, JsonMapper json) {
        String issuer = configuration.getIssuer().map(Object::toString).orElse("");
        Discovered metadata = new Discovered(configuration.getName(), issuer, json);
        metadata.current(); // the first attempt, during start-up
        return new OpenIdProviderMetadataFetcher() {
            @Override
            public DefaultOpenIdProviderMetadata fetch() {
                return metadata;
            }

            @Override
            public String getName() {
                return configuration.getName();
            }
        };
    }

    /** The provider's metadata once it could be read; every getter is empty (null) until then. */
    static final class Discovered extends DefaultOpenIdProviderMetadata {
        private final String issuer;
        private final URI document;
        private final JsonMapper json;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        private volatile DefaultOpenIdProviderMetadata loaded;
        private volatile long lastAttemptNanos;
        private volatile boolean attempted;

        Discovered(String name, String issuer, JsonMapper json) {
            super(name);
            this.issuer = issuer;
            this.document = URI.create((issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration");
            this.json = json;
        }

        boolean available() {
            return current() != null;
        }

        DefaultOpenIdProviderMetadata current() {
            DefaultOpenIdProviderMetadata found = loaded;
            if (found != null) {
                return found;
            }
            synchronized (this) {
                if (loaded == null && (!attempted || System.nanoTime() - lastAttemptNanos > RETRY.toNanos())) {
                    attempted = true;
                    lastAttemptNanos = System.nanoTime();
                    loaded = read();
                }
                return loaded;
            }
        }

        private DefaultOpenIdProviderMetadata read() {
            try {
                HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(document).timeout(Duration.ofSeconds(5))
                        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200) {
                    LOG.warn("Identity provider discovery {} answered {}; signing in to the pages waits for it", document,
                            answer.statusCode());
                    return null;
                }
                DefaultOpenIdProviderMetadata read = json.readValue(answer.body(), Argument.of(DefaultOpenIdProviderMetadata.class));
                LOG.info("Identity provider discovery read from {}", document);
                return read;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("Identity provider discovery {} could not be read ({}); signing in to the pages waits for it,"
                        + " everything else is served", document, e.toString());
                return null;
            }
        }

        private <T> T get(Function<DefaultOpenIdProviderMetadata, T> getter) {
            DefaultOpenIdProviderMetadata found = current();
            return found == null ? null : getter.apply(found);
        }

        @Override
        public String getIssuer() {
            String found = get(DefaultOpenIdProviderMetadata::getIssuer);
            return found == null ? issuer : found;
        }

        @Override
        public String getAuthorizationEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getAuthorizationEndpoint);
        }

        @Override
        public String getTokenEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getTokenEndpoint);
        }

        @Override
        public String getJwksUri() {
            return get(DefaultOpenIdProviderMetadata::getJwksUri);
        }

        @Override
        public String getUserinfoEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getUserinfoEndpoint);
        }

        @Override
        public String getEndSessionEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getEndSessionEndpoint);
        }

        @Override
        public String getIntrospectionEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getIntrospectionEndpoint);
        }

        @Override
        public String getRevocationEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getRevocationEndpoint);
        }

        @Override
        public String getRegistrationEndpoint() {
            return get(DefaultOpenIdProviderMetadata::getRegistrationEndpoint);
        }

        @Override
        public List<String> getScopesSupported() {
            return get(DefaultOpenIdProviderMetadata::getScopesSupported);
        }

        @Override
        public List<String> getResponseTypesSupported() {
            return get(DefaultOpenIdProviderMetadata::getResponseTypesSupported);
        }

        @Override
        public List<String> getResponseModesSupported() {
            return get(DefaultOpenIdProviderMetadata::getResponseModesSupported);
        }

        @Override
        public List<String> getGrantTypesSupported() {
            return get(DefaultOpenIdProviderMetadata::getGrantTypesSupported);
        }

        @Override
        public List<String> getSubjectTypesSupported() {
            return get(DefaultOpenIdProviderMetadata::getSubjectTypesSupported);
        }

        @Override
        public List<String> getIdTokenSigningAlgValuesSupported() {
            return get(DefaultOpenIdProviderMetadata::getIdTokenSigningAlgValuesSupported);
        }

        @Override
        public List<String> getTokenEndpointAuthMethodsSupported() {
            return get(DefaultOpenIdProviderMetadata::getTokenEndpointAuthMethodsSupported);
        }

        @Override
        public List<String> getCodeChallengeMethodsSupported() {
            return get(DefaultOpenIdProviderMetadata::getCodeChallengeMethodsSupported);
        }

        @Override
        public List<String> getClaimsSupported() {
            return get(DefaultOpenIdProviderMetadata::getClaimsSupported);
        }
    }
}
