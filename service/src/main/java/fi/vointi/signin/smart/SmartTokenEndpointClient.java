package fi.vointi.signin.smart;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.type.Argument;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.security.oauth2.endpoint.SecureEndpoint;
import io.micronaut.security.oauth2.endpoint.token.request.DefaultTokenEndpointClient;
import io.micronaut.security.oauth2.endpoint.token.request.context.TokenRequestContext;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdTokenResponse;
import io.micronaut.security.oauth2.endpoint.token.response.TokenResponse;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Micronaut's token endpoint client, except that an OpenID Connect code exchange is read as a
 * {@link SmartTokenResponse}, so that the SMART launch context ({@code patient}) reaches {@code SignInClaimsMapper}.
 * Everything else (client authentication, the request itself, errors) is Micronaut's own.
 */
@Singleton
@Replaces(DefaultTokenEndpointClient.class)
public class SmartTokenEndpointClient extends DefaultTokenEndpointClient {
    public SmartTokenEndpointClient(BeanContext beanContext, HttpClientConfiguration defaultClientConfiguration) {
        super(beanContext, defaultClientConfiguration);
    }

    @Override
    public <G, R extends TokenResponse> Publisher<R> sendRequest(TokenRequestContext<G, R> context) {
        if (context.getResponseType().getType() != OpenIdTokenResponse.class) {
            return super.sendRequest(context);
        }
        return super.sendRequest(new TokenRequestContext<G, R>() {
            @Override
            public G getGrant() {
                return context.getGrant();
            }

            @Override
            @SuppressWarnings("unchecked")
            public Argument<R> getResponseType() {
                // a subclass of OpenIdTokenResponse: every caller expecting R still gets one
                return (Argument<R>) Argument.of(SmartTokenResponse.class);
            }

            @Override
            public Argument<?> getErrorResponseType() {
                return context.getErrorResponseType();
            }

            @Override
            public MediaType getMediaType() {
                return context.getMediaType();
            }

            @Override
            public SecureEndpoint getEndpoint() {
                return context.getEndpoint();
            }

            @Override
            public OauthClientConfiguration getClientConfiguration() {
                return context.getClientConfiguration();
            }
        });
    }
}
