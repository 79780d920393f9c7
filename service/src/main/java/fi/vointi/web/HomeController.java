package fi.vointi.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** The front page a person reaches at the bare address: what the service is and how its pages are reached. */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
public class HomeController {
    private final HtmlPages pages;

    public HomeController(HtmlPages pages) {
        this.pages = pages;
    }

    @Get(uri = "/", produces = "text/html")
    public HttpResponse<String> home(HttpRequest<?> request) {
        String lang = Languages.of(request);
        boolean signedOut = "1".equals(request.getParameters().get("signedout"));
        return pages.render(request, HttpStatus.OK, "home", Page.of(request, lang, Messages.get(lang, "home.title")),
                new HomeView(signedOut));
    }

    /** @param signedOut the person has just signed out (POST /signout sends them here) */
    public record HomeView(boolean signedOut) {
    }
}
