package fi.vointi.subscriptions;

import fi.vointi.fhir.FhirException;
import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Subscription as a client sent it, read the way the R4 Subscriptions Backport IG writes it: {@code criteria} = the
 * topic's canonical URL, {@code _criteria} the filter extension, {@code channel} a rest-hook with
 * {@code _payload}'s content extension, heartbeat and timeout extensions. Anything we would not honour is refused
 * (422) rather than ignored.
 */
public record SubscriptionRequest(Topic topic, @Nullable Set<String> unitRefs, String endpoint, Content content,
                                  List<String> headers, @Nullable Integer heartbeatSeconds, int timeoutSeconds,
                                  @Nullable Instant end, @Nullable String reason) {
    public static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
    public static final String PROFILE = BACKPORT + "backport-subscription";
    public static final String FILTER_CRITERIA = BACKPORT + "backport-filter-criteria";
    public static final String HEARTBEAT_PERIOD = BACKPORT + "backport-heartbeat-period";
    public static final String TIMEOUT = BACKPORT + "backport-timeout";
    public static final String MAX_COUNT = BACKPORT + "backport-max-count";
    public static final String PAYLOAD_CONTENT = BACKPORT + "backport-payload-content";
    public static final String FHIR_JSON = "application/fhir+json";
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "connection",
            "transfer-encoding", "expect", "upgrade");

    /** How much of the focus a notification carries (backport-content-value-set). */
    public enum Content {
        EMPTY("empty"), ID_ONLY("id-only"), FULL_RESOURCE("full-resource");

        private final String code;

        Content(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Content of(String code) {
            for (Content c : values()) {
                if (c.code.equals(code)) {
                    return c;
                }
            }
            throw invalid("Subscription.channel.payload", "Unknown payload content '" + code + "': empty | id-only | full-resource");
        }
    }

    /** The limits a request is held to (docs/subscriptions.md, Configuration). */
    public record Limits(boolean allowHttpLocalhost, int defaultTimeoutSeconds, int maxTimeoutSeconds, int minHeartbeatSeconds) {
    }

    public static SubscriptionRequest read(Subscription s, Limits limits, Instant now) {
        if (!s.hasCriteria()) {
            throw invalid("Subscription.criteria", "criteria must name a topic: one of " + String.join(", ", Topic.urls()));
        }
        Topic topic = Topic.ofUrl(s.getCriteria()).orElseThrow(() -> invalid("Subscription.criteria",
                "Unknown topic '" + s.getCriteria() + "': one of " + String.join(", ", Topic.urls())
                        + " (GET /fhir/SubscriptionTopic)"));
        Set<String> units = filter(s, topic);
        Subscription.SubscriptionChannelComponent channel = s.getChannel();
        if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
            throw invalid("Subscription.channel.type", "Only rest-hook channels are supported");
        }
        String endpoint = endpoint(channel.getEndpoint(), limits.allowHttpLocalhost());
        if (channel.hasPayload() && !FHIR_JSON.equals(channel.getPayload()) && !"application/json".equals(channel.getPayload())) {
            throw invalid("Subscription.channel.payload", "Notifications are sent as " + FHIR_JSON);
        }
        Content content = Content.ID_ONLY;
        Extension contentExtension = channel.getPayloadElement().getExtensionByUrl(PAYLOAD_CONTENT);
        if (contentExtension != null) {
            content = Content.of(contentExtension.getValue() == null ? "" : contentExtension.getValue().primitiveValue());
        }
        if (content == Content.FULL_RESOURCE && topic == Topic.RESPONSE_SHARING_WITHDRAWN) {
            throw invalid("Subscription.channel.payload", "Topic " + topic.url() + " notifies a response the subscriber may"
                    + " no longer read: its content is empty or id-only");
        }
        Integer heartbeat = unsigned(channel.getExtensionByUrl(HEARTBEAT_PERIOD), "heartbeat period");
        if (heartbeat != null && heartbeat < limits.minHeartbeatSeconds()) {
            throw invalid("Subscription.channel", "The heartbeat period is at least " + limits.minHeartbeatSeconds() + " seconds");
        }
        Integer timeout = unsigned(channel.getExtensionByUrl(TIMEOUT), "timeout");
        if (timeout != null && (timeout < 1 || timeout > limits.maxTimeoutSeconds())) {
            throw invalid("Subscription.channel", "The timeout is 1 to " + limits.maxTimeoutSeconds() + " seconds");
        }
        List<String> headers = new ArrayList<>();
        for (StringType header : channel.getHeader()) {
            headers.add(header(header.getValue()));
        }
        if (headers.size() > 10) {
            throw invalid("Subscription.channel.header", "At most 10 headers");
        }
        Instant end = s.hasEnd() ? s.getEnd().toInstant() : null;
        if (end != null && !end.isAfter(now)) {
            throw invalid("Subscription.end", "end is in the past");
        }
        String reason = s.hasReason() ? s.getReason() : null;
        if (reason != null && reason.length() > 1000) {
            throw invalid("Subscription.reason", "reason is at most 1000 characters");
        }
        return new SubscriptionRequest(topic, units, endpoint, content, List.copyOf(headers), heartbeat,
                timeout == null ? limits.defaultTimeoutSeconds() : timeout, end, reason);
    }

    /** The filter: {@code [type]?service-unit=Organization/a,Organization/b}; absent means every unit the client may read. */
    @Nullable
    private static Set<String> filter(Subscription s, Topic topic) {
        List<Extension> filters = s.getCriteriaElement().getExtensionsByUrl(FILTER_CRITERIA);
        if (filters.isEmpty()) {
            return null;
        }
        if (filters.size() > 1) {
            throw invalid("Subscription.criteria", "At most one filter criteria extension");
        }
        String value = filters.get(0).getValue() == null ? "" : filters.get(0).getValue().primitiveValue();
        String prefix = topic.resourceType() + "?" + Topic.UNIT_FILTER + "=";
        if (value == null || !value.startsWith(prefix) || value.length() == prefix.length() || value.contains("&")) {
            throw invalid("Subscription.criteria", "The filter of topic " + topic.url() + " is '" + prefix
                    + "Organization/[unit id],…' (the only filter it can apply)");
        }
        Set<String> units = new LinkedHashSet<>();
        for (String unit : value.substring(prefix.length()).split(",", -1)) {
            String ref = unit.startsWith("Organization/") ? unit : "Organization/" + unit;
            if (!ref.matches("Organization/[A-Za-z0-9.-]{1,64}")) {
                throw invalid("Subscription.criteria", "Not a unit reference: '" + unit + "'");
            }
            units.add(ref);
        }
        if (units.size() > 50) {
            throw invalid("Subscription.criteria", "At most 50 units in one subscription");
        }
        return units;
    }

    static String endpoint(@Nullable String value, boolean allowHttpLocalhost) {
        if (value == null || value.isBlank()) {
            throw invalid("Subscription.channel.endpoint", "A rest-hook needs an endpoint URL");
        }
        if (value.length() > 2000) {
            throw invalid("Subscription.channel.endpoint", "The endpoint URL is at most 2000 characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid("Subscription.channel.endpoint", "Not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            throw invalid("Subscription.channel.endpoint", "The endpoint must be an absolute URL with a host, no user info or fragment");
        }
        boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (scheme.equals("https") || (scheme.equals("http") && local && allowHttpLocalhost)) {
            return value;
        }
        throw invalid("Subscription.channel.endpoint", allowHttpLocalhost
                ? "The endpoint must use https (http only to localhost / 127.0.0.1)" : "The endpoint must use https");
    }

    private static String header(@Nullable String header) {
        int colon = header == null ? -1 : header.indexOf(':');
        if (colon <= 0 || header.chars().anyMatch(c -> c < 0x20 && c != '\t') || header.length() > 1000) {
            throw invalid("Subscription.channel.header", "A header is 'Name: value' on one line (at most 1000 characters)");
        }
        String name = header.substring(0, colon).trim();
        if (!HEADER_NAME.matcher(name).matches() || RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw invalid("Subscription.channel.header", "Header name '" + name + "' cannot be set");
        }
        return name + ": " + header.substring(colon + 1).trim();
    }

    @Nullable
    private static Integer unsigned(@Nullable Extension extension, String what) {
        if (extension == null) {
            return null;
        }
        String value = extension.getValue() == null ? null : extension.getValue().primitiveValue();
        try {
            int parsed = Integer.parseInt(value == null ? "" : value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid("Subscription.channel", "The " + what + " is a whole number of seconds (valueUnsignedInt)");
        }
    }

    private static FhirException invalid(String expression, String message) {
        FhirException e = FhirException.unprocessable(IssueType.INVALID, message);
        e.outcome().getIssueFirstRep().addExpression(expression);
        return e;
    }
}
