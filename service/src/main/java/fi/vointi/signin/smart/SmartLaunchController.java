package fi.vointi.signin.smart;

import fi.vointi.signin.SignInController;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /launch?iss=…&launch=…}: SMART App Launch v2 EHR launch. The EHR opens Vointi from inside a patient's
 * record; we check {@code iss} against the configured EHR issuers ({@code vointi.smart.ehr-issuers}) and start the same
 * OpenID Connect code flow with PKCE as the staff sign-in ({@link SignInController}), with {@code launch} passed
 * through, {@code aud = iss} and scope {@value SmartLaunch#SCOPE}. The token response's {@code patient} becomes the
 * session's launch patient, and {@value SmartLaunch#LANDING} takes the clinician on to that patient's page.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
public class SmartLaunchController {
    private final SignInController signIn;
    private final HtmlPages pages;
    private final List<String> issuers;

    public SmartLaunchController(SignInController signIn, HtmlPages pages,
                                 @Nullable @Value("${vointi.smart.ehr-issuers:}") List<String> configured,
                                 @Value("${vointi.security.dev-issuer.enabled:false}") boolean devIssuer) {
        this.signIn = signIn;
        this.pages = pages;
        List<String> all = new ArrayList<>(configured == null ? List.of() : configured);
        if (devIssuer) {
            // the dev EHR page (/dev/ehr) plays the EHR; DevModeGuard keeps the dev issuer out of production
            all.add(SmartLaunch.DEV_EHR_ISSUER);
        }
        this.issuers = List.copyOf(all);
    }

    @Get(uri = "/launch", produces = MediaType.TEXT_HTML)
    public Publisher<MutableHttpResponse<?>> launch(HttpRequest<?> request, @Nullable @QueryValue String iss,
                                                    @Nullable @QueryValue String launch) {
        if (!SmartLaunch.acceptedIssuer(issuers, iss)) {
            return Mono.just(problem(request, "smart.unknownIssuer"));
        }
        if (!SmartLaunch.wellFormedLaunch(launch)) {
            return Mono.just(problem(request, "smart.badLaunch"));
        }
        return Mono.from(signIn.signIn(request, SmartLaunch.LANDING)).map(response -> {
            String location = response.getHeaders().get(HttpHeaders.LOCATION);
            if (location != null && response.getStatus().getCode() / 100 == 3) {
                response.getHeaders().set(HttpHeaders.LOCATION, SmartLaunch.launchRequest(location, launch, iss));
            }
            return response;
        });
    }

    private MutableHttpResponse<?> problem(HttpRequest<?> request, String key) {
        String lang = Languages.of(request);
        String title = Messages.get(lang, key + ".title");
        Page page = Page.of(request, lang, title);
        return pages.message(request, HttpStatus.BAD_REQUEST, page, new HtmlPages.MessageView(title,
                Messages.get(lang, key + ".text"), "/", Messages.get(lang, "error.home"), null, true));
    }
}
