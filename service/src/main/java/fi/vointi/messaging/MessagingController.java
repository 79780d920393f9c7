package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The public ends of messaging: the short invitation link {@code GET /i/{code}}, and the SMS gateway's callbacks
 * {@code POST /messaging/sms/status} (delivery reports) and {@code POST /messaging/sms/inbound} (replies; STOP opts
 * out). The gateway authenticates with the header {@code X-Callback-Secret: {vointi.messaging.sms.callback-secret}} (not
 * {@code Authorization}: a bearer there is taken for a user's token); without a configured secret the callbacks answer
 * 404. docs/messaging.md.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS) // the link is its own credential; the callbacks check the gateway's secret
@ExecuteOn(TaskExecutors.BLOCKING)
public class MessagingController {
    public static final String CALLBACK_SECRET = "X-Callback-Secret";
    private static final Logger LOG = LoggerFactory.getLogger(MessagingController.class);
    private static final Set<String> DELIVERED = Set.of("delivered");
    private static final Set<String> FAILED = Set.of("failed", "undeliverable", "expired", "rejected");
    private static final Set<String> STOP = Set.of("stop", "seis", "lopeta", "sluta");
    private final OutboxStore outbox;
    private final OptOuts optOuts;
    private final AddressKeys keys;
    private final SmsConfiguration sms;
    private final JsonMapper json;
    private final Clock clock;

    private final MessageOutcomes outcomes;

    MessagingController(OutboxStore outbox, OptOuts optOuts, AddressKeys keys, SmsConfiguration sms, JsonMapper json, Clock clock,
                        MessageOutcomes outcomes) {
        this.outcomes = outcomes;
        this.outbox = outbox;
        this.optOuts = optOuts;
        this.keys = keys;
        this.sms = sms;
        this.json = json;
        this.clock = clock;
    }

    /** The short link of an SMS or e-mail: on to the invitation's own link, which checks it (unknown, used, expired). */
    @Get(uri = "/i/{code}", produces = MediaType.TEXT_HTML)
    public HttpResponse<?> open(@PathVariable String code) {
        if (!InvitationLinks.wellFormed(code)) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).header(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        return HttpResponse.status(HttpStatus.SEE_OTHER)
                .header(HttpHeaders.LOCATION, "/invitation/" + InvitationLinks.token(code))
                // the link is a credential: no cache keeps the redirect, no other site sees it in a Referer
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Referrer-Policy", "same-origin");
    }

    /** A delivery report: {@code {"id": "<gateway's id>", "status": "delivered" | "failed" | …}}. */
    @Post(uri = "/messaging/sms/status", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> status(@Body String body, @Nullable @Header(CALLBACK_SECRET) String authorization) {
        HttpResponse<?> refused = refused(authorization);
        if (refused != null) {
            return refused;
        }
        Map<String, Object> report = parse(body);
        Object id = report == null ? null : report.get("id");
        Object state = report == null ? null : report.get("status");
        if (id == null || state == null) {
            return HttpResponse.badRequest("expected {\"id\": …, \"status\": …}");
        }
        String providerStatus = state.toString().toLowerCase(Locale.ROOT);
        String status = DELIVERED.contains(providerStatus) ? "delivered" : FAILED.contains(providerStatus) ? "failed" : null;
        boolean known = outbox.report(Channel.SMS, id.toString(), providerStatus, status, clock.instant()).isPresent();
        if (known && status != null) {
            outcomes.count(Channel.SMS, "delivered".equals(status) ? "delivered" : "provider-failed");
        }
        return known ? HttpResponse.noContent() : HttpResponse.notFound();
    }

    /** A reply: {@code {"from": "+358…", "text": "STOP"}}. STOP (or SEIS, LOPETA, SLUTA) opts the number out for good. */
    @Post(uri = "/messaging/sms/inbound", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> inbound(@Body String body, @Nullable @Header(CALLBACK_SECRET) String authorization) {
        HttpResponse<?> refused = refused(authorization);
        if (refused != null) {
            return refused;
        }
        Map<String, Object> reply = parse(body);
        String from = reply == null || reply.get("from") == null ? null : Addresses.phone(reply.get("from").toString());
        Object text = reply == null ? null : reply.get("text");
        if (from == null || text == null) {
            return HttpResponse.badRequest("expected {\"from\": a phone number, \"text\": …}");
        }
        String word = text.toString().trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (STOP.contains(word)) {
            int cancelled = optOuts.optOutAddress(keys.ofAddress(from), "sms-stop");
            LOG.info("An SMS recipient opted out; {} queued messages cancelled", cancelled);
        }
        return HttpResponse.noContent();
    }

    @Nullable
    private HttpResponse<?> refused(@Nullable String authorization) {
        String secret = sms.getCallbackSecret();
        if (secret == null || secret.isBlank()) {
            return HttpResponse.notFound();
        }
        byte[] expected = secret.getBytes(StandardCharsets.UTF_8);
        byte[] given = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given) ? null : HttpResponse.unauthorized();
    }

    @Nullable
    private Map<String, Object> parse(String body) {
        try {
            return json.readValue(body.getBytes(StandardCharsets.UTF_8), Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
