import com.sun.net.httpserver.HttpServer;
import fi.vointi.messaging.MessageSender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.server.EmbeddedServer;

import javax.sql.DataSource;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16 benchmark: N SMS through the outbox to a gateway stub on localhost (a JDK HttpServer that answers 200 at
 * once), with the service's own sender (fi.vointi.messaging.MessageSender) in this JVM.
 *
 *   ./mvnw -q -DskipTests package        # once: service/target/vointi-service.jar
 *   java -cp service/target/vointi-service.jar bench/MessagingBench.java [messages=10000] [rate/s=0] [threads=4] [batch=50]
 *   DB_URL=jdbc:postgresql://127.0.0.1:5432/vointi_bench java -cp ... bench/MessagingBench.java   # PostgreSQL (MICRONAUT_ENVIRONMENTS=postgres)
 *
 * rate 0 queues all messages first and measures how fast the queue drains; a rate > 0 queues at that rate while the
 * sender runs (poll every 100 ms), which is how a day of invitations looks. Reports throughput (messages / time from
 * the first queued to the last at the gateway) and latency (queued → arrived at the gateway) p50/p99/max.
 */
public class MessagingBench {
    private static final Pattern REFERENCE = Pattern.compile("\"reference\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        String threads = args.length > 2 ? args[2] : "4";
        String batch = args.length > 3 ? args[3] : "50";

        Map<String, Long> arrived = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        HttpServer gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        gateway.createContext("/sms", exchange -> {
            long at = System.nanoTime();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = REFERENCE.matcher(body);
            if (m.find()) {
                arrived.putIfAbsent(m.group(1), at);
            }
            byte[] answer = ("{\"id\":\"gw-" + requests.incrementAndGet() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        gateway.setExecutor(Executors.newFixedThreadPool(16));
        gateway.start();

        Map<String, Object> config = new HashMap<>();
        String dbUrl = System.getenv("DB_URL");
        config.put("datasources.default.url", dbUrl != null ? dbUrl
                : "jdbc:h2:mem:messaging-bench;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        config.put("micronaut.server.port", "-1");
        config.put("endpoints.all.port", "-1");
        if (dbUrl == null) {
            config.put("vointi.security.dev-issuer.enabled", "true"); // allowed on the embedded database only (DevModeGuard)
        }
        config.put("vointi.messaging.sender-enabled", "false"); // this program runs the rounds
        config.put("vointi.messaging.threads", threads);
        config.put("vointi.messaging.batch-size", batch);
        config.put("vointi.messaging.quiet-start", "00:00");
        config.put("vointi.messaging.quiet-end", "00:00");
        config.put("vointi.messaging.rate-cap", "1000000");
        config.put("vointi.feedback.public-base-url", "https://kysely.example.fi"); // required outside dev mode
        config.put("vointi.fhir.base-url", "https://kysely.example.fi/fhir");
        // keys a start outside dev mode requires (random: nothing of this run is kept)
        config.put("vointi.subscriptions.header-key", java.util.Base64.getEncoder().encodeToString(randomBytes(32)));
        config.put("vointi.adaptive.state-key", java.util.Base64.getEncoder().encodeToString(randomBytes(32)));
        config.put("vointi.messaging.sms.url", "http://127.0.0.1:" + gateway.getAddress().getPort() + "/sms");
        try (ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, config).getApplicationContext()) {
            DataSource dataSource = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
            MessageSender sender = context.getBean(MessageSender.class);
            Map<String, Long> queued = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            Thread producer = new Thread(() -> queue(dataSource, messages, rate, queued, start));
            producer.start();
            while (arrived.size() < messages) {
                MessageSender.Round round = sender.sendDue();
                if (round.claimed() == 0) {
                    Thread.sleep(100); // the scheduled sender's poll, shortened
                }
            }
            producer.join();
            long end = arrived.values().stream().mapToLong(Long::longValue).max().orElse(start);
            long[] latencies = queued.entrySet().stream().mapToLong(e -> arrived.get(e.getKey()) - e.getValue()).sorted().toArray();
            double seconds = (end - start) / 1e9;
            System.out.printf("%d SMS, rate %s, %s threads, batch %s, %s: %.1f s, %.0f msg/s; queued->gateway p50 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms; gateway requests %d (duplicates %d)%n", messages,
                    rate == 0 ? "all at once" : rate + "/s", threads, batch, dbUrl == null ? "H2" : "PostgreSQL", seconds,
                    messages / seconds, pct(latencies, 0.50), pct(latencies, 0.99), latencies[latencies.length - 1] / 1e6,
                    requests.get(), requests.get() - arrived.size());
        } catch (Exception e) {
            e.printStackTrace();
            gateway.stop(0);
            System.exit(1);
        } finally {
            gateway.stop(0);
            System.exit(0);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** Queues like InvitationMessaging would (one row per SMS), in batches of 100 per transaction. */
    private static void queue(DataSource dataSource, int messages, int rate, Map<String, Long> queued, long start) {
        String sql = "INSERT INTO message_outbox (id, channel, purpose, patient_id, recipient_key, recipient, sender_name, body,"
                + " status, attempts, not_before, created_at) VALUES (?, 'sms', 'bench', ?, ?, ?, 'Vointi', ?, 'queued', 0, ?, ?)";
        String text = "Vointi: sinulle on kysely, vastaathan 24.12.2026 mennessä: https://kysely.example.fi/i/AAAAAAAAAAAAAAAAAAAAAA";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int chunk = rate == 0 ? 500 : Math.max(1, rate / 10);
            for (int done = 0; done < messages; ) {
                long chunkStart = System.nanoTime();
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    int n = Math.min(chunk, messages - done);
                    String[] ids = new String[n];
                    OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
                    for (int i = 0; i < n; i++) {
                        ids[i] = UUID.randomUUID().toString();
                        s.setString(1, ids[i]);
                        s.setString(2, "bench-" + (done + i));
                        s.setString(3, String.format("%064d", done + i)); // one person each: the cap does not apply
                        s.setString(4, "+35840" + (1_000_000 + done + i));
                        s.setString(5, text);
                        s.setObject(6, now);
                        s.setObject(7, now);
                        s.addBatch();
                    }
                    s.executeBatch();
                    c.commit();
                    long at = System.nanoTime();
                    Arrays.stream(ids).forEach(id -> queued.put(id, at));
                    done += n;
                }
                if (rate > 0) {
                    long sleep = 100_000_000L - (System.nanoTime() - chunkStart);
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
