package fi.vointi.signin.dev;

import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.signin.smart.SmartLaunch;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.answer.PatientNames;
import io.micronaut.context.annotation.Requires;
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
import java.util.List;
import java.util.Map;

/**
 * Dev mode only: a stand-in for the EHR. {@code GET /dev/ehr} offers "open Vointi as clinician X with patient Y's
 * record open"; the post remembers that launch context ({@link DevLaunchContexts}) and sends the browser to
 * {@code /launch?iss=urn:vointi:dev-ehr&launch=…}, exactly as an EHR would. The dev provider's authorization endpoint
 * then signs X in (the EHR already knows who is at the keyboard) and its token response names Y as {@code patient}.
 */
@Controller("/dev/ehr")
@Secured(SecurityRule.IS_ANONYMOUS)
@Requires(bean = DevTokenIssuer.class)
public class DevEhrController {
    /** The demo patients an EHR launch may open (demo content, not real people). */
    static final List<String> PATIENTS = List.of("demo-aino", "demo-eero", "demo-onni", "demo-venla");

    private final DevLaunchContexts launches;
    private final HtmlPages pages;

    DevEhrController(DevLaunchContexts launches, HtmlPages pages) {
        this.launches = launches;
        this.pages = pages;
    }

    /** A choice on the page: value, label and the longer explanation. */
    public record Choice(String value, String label, String hint) {
    }

    public record EhrView(List<Choice> clinicians, List<Choice> patients) {
    }

    @Get(produces = MediaType.TEXT_HTML)
    public MutableHttpResponse<String> page(HttpRequest<?> request) {
        String lang = Languages.of(request);
        Page page = Page.of(request, lang, Messages.get(lang, "smart.dev.title"));
        return pages.render(request, HttpStatus.OK, "signin/ehr", page, new EhrView(clinicians(lang), patients()));
    }

    @Post(uri = "/launch", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    public MutableHttpResponse<?> launch(HttpRequest<?> request, @Body Map<String, String> form) {
        String user = form.get("clinician");
        String patient = form.get("patient");
        boolean knownClinician = clinicians("fi").stream().anyMatch(c -> c.value().equals(user));
        if (!knownClinician || !PATIENTS.contains(patient)) {
            String lang = Languages.of(request);
            Page page = Page.of(request, lang, Messages.get(lang, "smart.dev.title"));
            return pages.message(request, HttpStatus.BAD_REQUEST, page, new HtmlPages.MessageView(page.title(),
                    Messages.get(lang, "smart.dev.choose"), "/dev/ehr", Messages.get(lang, "smart.dev.back"), null, true));
        }
        String launch = launches.open(user, patient);
        return HttpResponse.seeOther(URI.create(UriBuilder.of("/launch").queryParam("iss", SmartLaunch.DEV_EHR_ISSUER)
                .queryParam("launch", launch).toString())).header("Cache-Control", "no-store");
    }

    private static List<Choice> clinicians(String lang) {
        return DemoUsers.ALL.stream().filter(u -> u.claims().get("roles") instanceof List<?> roles && roles.contains("clinician"))
                .map(u -> new Choice(u.name(), DemoUsers.displayName(u.name()), Messages.get(lang, "signin.dev.who." + u.name())))
                .toList();
    }

    private static List<Choice> patients() {
        return PATIENTS.stream().map(p -> new Choice(p, PatientNames.of(p), "Patient/" + p)).toList();
    }
}
