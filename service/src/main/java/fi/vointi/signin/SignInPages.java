package fi.vointi.signin;

import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.uri.UriBuilder;
import jakarta.inject.Singleton;

/** The page a person sees when signing in did not succeed or was cancelled: what happened and a link to try again. */
@Singleton
public class SignInPages {
    private final HtmlPages pages;
    private final SessionCookies cookies;

    public SignInPages(HtmlPages pages, SessionCookies cookies) {
        this.pages = pages;
        this.cookies = cookies;
    }

    /** @param cancelled the person chose not to sign in (the provider answered access_denied) */
    public MutableHttpResponse<String> failed(HttpRequest<?> request, boolean cancelled) {
        String lang = Languages.of(request);
        String returnPath = ReturnPaths.safe(SessionCookies.value(request, SessionCookies.RETURN).orElse(ReturnPaths.DEFAULT));
        String again = UriBuilder.of("/signin").queryParam("return", returnPath).toString();
        String key = cancelled ? "signin.cancelled" : "signin.failed";
        String title = Messages.get(lang, key + ".title");
        Page page = Page.of(request, lang, title).withHere(again);
        MutableHttpResponse<String> response = pages.message(request, cancelled ? HttpStatus.OK : HttpStatus.BAD_REQUEST, page,
                new HtmlPages.MessageView(title, Messages.get(lang, key + ".text"), again, Messages.get(lang, "signin.tryAgain"),
                        null, !cancelled));
        return response.cookie(cookies.expired(request, SessionCookies.RETURN));
    }
}
