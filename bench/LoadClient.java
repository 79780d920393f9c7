import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load client (JDK only, run as a single source file):
 *
 *   java bench/LoadClient.java URL BODY_TEMPLATE CLIENTS WARMUP_SECONDS MEASURE_SECONDS [HEADER=VALUE ...]
 *
 * Each of CLIENTS threads sends POSTs one after another. Every {{ID}} in the body template and in
 * the headers is replaced by one fresh random UUID per request (identifier, subject), so that each
 * request stores a new resource. Reports throughput, latency percentiles and status counts over the measuring window only.
 */
public class LoadClient {
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: LoadClient URL BODY_TEMPLATE CLIENTS WARMUP_SECONDS MEASURE_SECONDS [HEADER=VALUE ...]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        String template = Files.readString(Path.of(args[1]));
        int clients = Integer.parseInt(args[2]);
        long warmupNanos = Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
        long measureNanos = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        List<String[]> headers = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            headers.add(args[i].split("=", 2));
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        Map<Integer, AtomicLong> statuses = new TreeMap<>();
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            final int client = c;
            latencies[c] = new long[1 << 16];
            new Thread(() -> {
                try {
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        String id = UUID.randomUUID().toString();
                        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/fhir+json")
                                .POST(HttpRequest.BodyPublishers.ofString(template.replace("{{ID}}", id)));
                        headers.forEach(h -> request.header(h[0], h[1].replace("{{ID}}", id)));
                        int status;
                        try {
                            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (IOException e) {
                            status = -1;
                        }
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom) {
                            if (counts[client] == latencies[client].length) {
                                latencies[client] = Arrays.copyOf(latencies[client], counts[client] * 2);
                            }
                            latencies[client][counts[client]++] = t1 - t0;
                            synchronized (statuses) {
                                statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                            }
                            if (status < 200 || status >= 300) {
                                failures.incrementAndGet();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        double seconds = measureNanos / 1e9;
        System.out.printf("clients=%d measured=%.0fs requests=%d throughput=%.1f req/s non-2xx=%d statuses=%s%n",
                clients, seconds, total, total / seconds, failures.get(), statuses);
        System.out.printf("latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
                pct(all, 50), pct(all, 90), pct(all, 99), pct(all, 99.9), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
