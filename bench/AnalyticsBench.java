import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times analytics queries through the HTTP API (bench/feedback-analytics.sh): for every unit of one service
 * area, the monthly NPS series of one year; then the comparison of the area's services and the county's
 * monthly series. One request at a time (the figure is the latency of one query); warm-up first.
 *
 *   java bench/AnalyticsBench.java http://127.0.0.1:8091 TOKEN bench-area-01 2025 WARMUP REPETITIONS
 */
public class AnalyticsBench {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String area = args[2];
        int year = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int repetitions = Integer.parseInt(args[5]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String period = "from=" + year + "-01-01&to=" + year + "-12-31&granularity=month";
        List<String> units = new ArrayList<>();
        String children = get(http, base + "/analytics/units/" + area + "/feedback/children?" + period, token);
        for (String service : ids(children)) {
            units.addAll(ids(get(http, base + "/analytics/units/" + service + "/feedback/children?from=" + year
                    + "-01-01&to=" + year + "-01-31&granularity=month", token)));
        }
        System.out.printf("area %s: %d units%n", area, units.size());
        List<String> unitUrls = units.stream().map(u -> base + "/analytics/units/" + u + "/feedback?" + period).toList();
        for (int i = 0; i < warmup; i++) {
            get(http, unitUrls.get(i % unitUrls.size()), token);
        }
        report("unit monthly series, 1 year (each unit of the area)", http, token, unitUrls, repetitions);
        report("area: its services compared, monthly series", http, token,
                List.of(base + "/analytics/units/" + area + "/feedback/children?" + period), repetitions);
        report("county monthly series, 1 year", http, token,
                List.of(base + "/analytics/units/bench-county/feedback?" + period), repetitions);
        // days and weeks are not offered (figures exist only for whole calendar months, docs/analytics.md)
        report("unit quarterly series, 1 year", http, token,
                List.of(base + "/analytics/units/" + units.get(0) + "/feedback?from=" + year + "-01-01&to=" + year
                        + "-12-31&granularity=quarter"), repetitions);
    }

    static void report(String name, HttpClient http, String token, List<String> urls, int repetitions) throws Exception {
        for (String url : urls) { // warm this query shape
            get(http, url, token);
        }
        List<Double> millis = new ArrayList<>();
        for (int r = 0; r < repetitions; r++) {
            for (String url : urls) {
                long start = System.nanoTime();
                get(http, url, token);
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        Collections.sort(millis);
        System.out.printf("%-55s n=%5d  median %7.1f ms  p95 %7.1f ms  max %7.1f ms%n", name, millis.size(),
                millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.95) - 1), millis.get(millis.size() - 1));
    }

    static String get(HttpClient http, String url, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** The ids of the "children" of a comparison answer (no JSON library in a single-file program: a plain scan). */
    static List<String> ids(String body) {
        List<String> ids = new ArrayList<>();
        int at = body.indexOf("\"children\"");
        while ((at = body.indexOf("{\"unit\":{\"id\":\"", at)) >= 0) {
            int start = at + "{\"unit\":{\"id\":\"".length();
            ids.add(body.substring(start, body.indexOf('"', start)));
            at = start;
        }
        return ids;
    }
}
