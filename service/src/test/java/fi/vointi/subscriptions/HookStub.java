package fi.vointi.subscriptions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An EHR's rest-hook endpoint on localhost: records every notification it is sent (path, body, headers) and answers
 * 200, or per path the statuses it was told to answer next (e.g. 503 twice, then accepted again).
 */
public final class HookStub implements AutoCloseable {
    /** One request as the endpoint saw it, and what it answered. */
    public record Received(String path, String body, String contentType, String authorization, int answered) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Received> received = new ArrayList<>();
    private final Map<String, Deque<Integer>> script = new ConcurrentHashMap<>();

    public HookStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next answers to requests to {@code path}; then 200 again. */
    public void script(String path, Integer... statuses) {
        script.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(statuses));
    }

    public synchronized List<Received> to(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public synchronized List<Received> all() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Deque<Integer> next = script.get(path);
            int status;
            synchronized (this) {
                status = next == null || next.isEmpty() ? 200 : next.poll();
                received.add(new Received(path, body, exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"), status));
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
