package fi.vointi.messaging;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SMS gateway adapter: {@code POST {vointi.messaging.sms.url}} with a JSON body {@code {"from", "to", "text",
 * "reference"}} (reference = the outbox id, for the gateway's de-duplication) and HTTP Basic credentials; a 2xx answer
 * with {@code {"id": "…"}} accepts the message. 4xx (except 408 and 429) refuses it for good; 5xx, 408, 429, a timeout
 * or no connection is retried. docs/messaging.md, "SMS gateway".
 */
@Singleton
public class HttpSmsGateway implements SmsGateway {
    private final SmsConfiguration configuration;
    private final JsonMapper json;
    private final HttpClient http;

    HttpSmsGateway(SmsConfiguration configuration, JsonMapper json) {
        this.configuration = configuration;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(configuration.getTimeout()).build();
    }

    @Override
    public Delivery send(OutgoingMessage m) {
        try {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("from", m.senderName());
            body.put("to", m.recipient());
            body.put("text", m.body());
            body.put("reference", m.id());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(configuration.getUrl()))
                    .timeout(configuration.getTimeout())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            if (configuration.getUsername() != null) {
                String credentials = configuration.getUsername() + ":" + (configuration.getPassword() == null ? "" : configuration.getPassword());
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                Object id = null;
                if (response.body().length > 0) {
                    id = json.readValue(response.body(), Argument.mapOf(String.class, Object.class)).get("id");
                }
                return new Delivery.Accepted(id == null ? null : id.toString(), "gateway " + status);
            }
            String detail = "gateway " + status + ": " + new String(response.body(), StandardCharsets.UTF_8);
            return status >= 500 || status == 408 || status == 429 ? new Delivery.Retry(detail) : new Delivery.Rejected(detail);
        } catch (HttpTimeoutException e) {
            return new Delivery.Retry("gateway timed out after " + configuration.getTimeout());
        } catch (IOException e) {
            return new Delivery.Retry("gateway not reachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.Retry("interrupted");
        }
    }
}
