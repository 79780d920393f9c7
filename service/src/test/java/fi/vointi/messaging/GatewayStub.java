package fi.vointi.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMS gateway on localhost that behaves like one (docs/messaging.md, "SMS gateway"): it checks the credentials,
 * accepts a message (answering its id), and per recipient number can be told to fail (503), reject (400) or answer
 * too late for the next requests. Like real gateways it de-duplicates by {@code reference}: a repeated request for a
 * message it already accepted gets the same id and reaches the handset no second time.
 */
public final class GatewayStub implements AutoCloseable {
    public static final String USER = "vointi";
    public static final String PASSWORD = "gateway-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the gateway saw it. */
    public record Request(String from, String to, String text, String reference, String outcome) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new ArrayList<>();
    /** What reached each handset: reference → the request that delivered it. */
    private final Map<String, Request> delivered = new LinkedHashMap<>();
    private final Map<String, Deque<String>> script = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile long lateMillis = 3000;

    public GatewayStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/sms", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
    }

    /** The next requests to this number: "fail", "reject" or "late", in order; then accepted again. */
    void script(String number, String... outcomes) {
        script.computeIfAbsent(number, n -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    public synchronized List<Request> requestsTo(String number) {
        return requests.stream().filter(r -> number.equals(r.to())).toList();
    }

    synchronized List<Request> deliveredTo(String number) {
        return delivered.values().stream().filter(r -> number.equals(r.to())).toList();
    }

    synchronized int deliveredCount() {
        return delivered.size();
    }

    synchronized String idOf(String reference) {
        return delivered.get(reference) == null ? null : "gw-" + delivered.get(reference).outcome();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod()) || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, String> body = JSON.readValue(exchange.getRequestBody(), Map.class);
            String to = body.get("to");
            Deque<String> next = script.get(to);
            String action;
            synchronized (this) {
                action = next == null || next.isEmpty() ? "accept" : next.poll();
            }
            Request request = new Request(body.get("from"), to, body.get("text"), body.get("reference"), action);
            synchronized (this) {
                requests.add(request);
            }
            switch (action) {
                case "fail" -> answer(exchange, 503, "{\"error\":\"try again\"}");
                case "reject" -> answer(exchange, 400, "{\"error\":\"invalid number\"}");
                default -> {
                    String id;
                    synchronized (this) {
                        Request first = delivered.computeIfAbsent(request.reference(),
                                r -> new Request(request.from(), to, request.text(), r, Integer.toString(ids.incrementAndGet())));
                        id = "gw-" + first.outcome();
                    }
                    if ("late".equals(action)) {
                        sleep(lateMillis); // accepted, but the answer comes after the client has given up
                    }
                    answer(exchange, 200, "{\"id\":\"" + id + "\"}");
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException ignored) {
            // the client gave up (a "late" answer): that is the point
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
