package fi.vointi.web;

import fi.vointi.messaging.OptOutLinks;
import fi.vointi.messaging.OptOuts;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * The opt-out link of every e-mail, {@code /o/{code}} (docs/messaging.md, "Opt-out"). {@code GET} only shows what will
 * happen and a button: link scanners and previews follow links, so a GET never opts anyone out. {@code POST} opts the
 * address out exactly as an SMS STOP does, both from the page's button (same-origin, like every form:
 * {@link SameOriginForms}) and from a mail client's one-click unsubscribe (RFC 8058, body
 * {@code List-Unsubscribe=One-Click}, sent without a browser's Origin). Nothing about the person is shown.
 */
@Controller("/o")
@Secured(SecurityRule.IS_ANONYMOUS) // the code is its own credential
@ExecuteOn(TaskExecutors.BLOCKING)
public class OptOutController {
    private static final Logger LOG = LoggerFactory.getLogger(OptOutController.class);
    private final OptOutLinks links;
    private final OptOuts optOuts;
    private final HtmlPages pages;
    private final Clock clock;

    OptOutController(OptOutLinks links, OptOuts optOuts, HtmlPages pages, Clock clock) {
        this.links = links;
        this.optOuts = optOuts;
        this.pages = pages;
        this.clock = clock;
    }

    /** @param action where the button posts: the link itself */
    public record ConfirmView(String action) {
    }

    @Get(uri = "/{code}", produces = MediaType.TEXT_HTML)
    public HttpResponse<?> show(HttpRequest<?> request, @PathVariable String code) {
        Optional<OptOutLinks.Link> link = links.find(code, clock.instant());
        if (link.isEmpty()) {
            return notFound(request, Languages.of(request));
        }
        String lang = language(request, link.get());
        Page page = Page.of(request, lang, Messages.get(lang, "optout.title"));
        return referrerSafe(pages.render(request, HttpStatus.OK, "optout/confirm", page, new ConfirmView("/o/" + code
                // a language the person chose on the page carries over to the answer; otherwise the e-mail's
                + (request.getParameters().get("lang") == null ? "" : "?lang=" + lang))));
    }

    @Post(uri = "/{code}", consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA},
            produces = MediaType.TEXT_HTML)
    public HttpResponse<?> stop(HttpRequest<?> request, @PathVariable String code) {
        Optional<OptOutLinks.Link> link = links.find(code, clock.instant());
        if (link.isEmpty()) {
            return notFound(request, Languages.of(request));
        }
        int cancelled = optOuts.optOutAddress(link.get().recipientKey(), "email-link");
        LOG.info("An e-mail recipient opted out by link; {} queued messages cancelled", cancelled);
        String lang = language(request, link.get());
        Page page = Page.of(request, lang, Messages.get(lang, "optout.done.title")).withHere("/o/" + code);
        return referrerSafe(pages.message(request, HttpStatus.OK, page, new HtmlPages.MessageView(page.title(),
                page.t("optout.done.text"), null, null, null, false)));
    }

    /** The e-mail's language, unless the person chose another on the page ({@code ?lang=} or the form's field). */
    private static String language(HttpRequest<?> request, OptOutLinks.Link link) {
        String chosen = request.getParameters().get("lang");
        return Languages.choose(chosen != null ? chosen : link.language(), null);
    }

    private HttpResponse<?> notFound(HttpRequest<?> request, String lang) {
        Page page = Page.of(request, lang, Messages.get(lang, "optout.notFound.title"));
        return referrerSafe(pages.message(request, HttpStatus.NOT_FOUND, page, new HtmlPages.MessageView(page.title(),
                page.t("optout.notFound.text"), null, null, null, true)));
    }

    /** The code is a credential: no other site sees it in a Referer. */
    private static HttpResponse<?> referrerSafe(MutableHttpResponse<?> response) {
        return response.header("Referrer-Policy", "no-referrer");
    }
}
