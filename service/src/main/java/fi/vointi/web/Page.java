package fi.vointi.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.uri.UriBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * What the layout of every page needs: language, title, the language switch and an optional script (same-origin
 * file, so the CSP needs no inline allowance). Templates call {@link #t} for every word they print.
 *
 * @param here      the address of this page as a GET, to which the language links point (a POST result page
 *                  passes the form's own address)
 * @param bodyClass extra class of {@code <body>} (e.g. {@code child} for the child-friendly look)
 * @param script    path of a script under {@code /assets/}, or null
 * @param dataHref  a link a script may use (kiosk: where to return), or null
 * @param signedInAs who is signed in with a page session (the header shows it and a sign-out button), or null
 */
public record Page(String lang, String title, String here, String bodyClass, @Nullable String script,
                   @Nullable String dataHref, @Nullable String signedInAs) {

    public record LanguageLink(String code, String label, String href, boolean current) {
    }

    public static Page of(HttpRequest<?> request, String lang, String title) {
        return new Page(lang, title, request.getUri().toString(), "", null, null,
                request.getAttribute(SIGNED_IN_ATTRIBUTE, String.class).orElse(null));
    }

    /** Set by the session sign-in (fi.vointi.signin) on requests signed in with the page session cookie. */
    public static final String SIGNED_IN_ATTRIBUTE = "vointi.signin.display-name";

    public Page withHere(String address) {
        return new Page(lang, title, address, bodyClass, script, dataHref, signedInAs);
    }

    public Page withBodyClass(String value) {
        return new Page(lang, title, here, value, script, dataHref, signedInAs);
    }

    public Page withScript(String path, @Nullable String href) {
        return new Page(lang, title, here, bodyClass, path, href, signedInAs);
    }

    /** A text of the page language. */
    public String t(String key, Object... args) {
        return Messages.get(lang, key, args);
    }

    /** The switch to the other languages: the same address with {@code lang} replaced. */
    public List<LanguageLink> languages() {
        List<LanguageLink> links = new ArrayList<>();
        for (String code : Languages.SUPPORTED) {
            String href = UriBuilder.of(here).replaceQueryParam("lang", code).toString();
            links.add(new LanguageLink(code, Messages.get(code, "nav.language." + code), href, code.equals(lang)));
        }
        return links;
    }
}
