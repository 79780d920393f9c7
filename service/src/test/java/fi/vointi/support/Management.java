package fi.vointi.support;

import io.micronaut.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The management port (health, prometheus) of a running test context: {@code endpoints.all.port}. */
public final class Management {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Management() {
    }

    public static URI uri(ApplicationContext context, String path) {
        int port = context.getRequiredProperty("endpoints.all.port", Integer.class);
        return URI.create("http://localhost:" + port + path);
    }

    public static HttpResponse<String> get(ApplicationContext context, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(context, path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
