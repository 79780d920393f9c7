package fi.vointi.signin;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.oauth2.endpoint.authorization.response.AuthorizationErrorCode;
import io.micronaut.security.oauth2.endpoint.authorization.response.AuthorizationErrorResponseException;
import io.micronaut.security.oauth2.endpoint.authorization.response.AuthorizationErrorResponseExceptionHandler;
import jakarta.inject.Singleton;

/**
 * The provider answered the sign-in with an error (the person cancelled, or the request was refused): a page in the
 * person's language with a link to try again, instead of Micronaut's JSON or redirect.
 */
@Singleton
@Replaces(AuthorizationErrorResponseExceptionHandler.class)
public class SignInErrors implements ExceptionHandler<AuthorizationErrorResponseException, MutableHttpResponse<?>> {
    private final SignInPages pages;

    public SignInErrors(SignInPages pages) {
        this.pages = pages;
    }

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationErrorResponseException exception) {
        var error = exception.getAuthorizationErrorResponse().getError();
        boolean cancelled = error != null && AuthorizationErrorCode.ACCESS_DENIED.getErrorCode().equals(error.getErrorCode());
        return pages.failed(request, cancelled);
    }
}
