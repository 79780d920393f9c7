import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load client of the patient answering pages (issue 12 item 10; JDK only, run as a single source file):
 *
 *   java bench/AnsweringLoad.java BASE_URL PATIENT_TOKENS USERS WARMUP_SECONDS MEASURE_SECONDS UNIT OUT_DIR
 *
 * The environment variable TOKEN holds an EHR backend-client token (scope system/Task.c). PATIENT_TOKENS is the file
 * written by bench/BenchToken.java: one "patientId token" line per patient.
 *
 * 1. Setup (not measured): one invitation per patient, POST /fhir/Task with the EHR token, the demo PROM, unit UNIT.
 * 2. USERS closed-loop virtual users. Each takes the next patient and answers as a browser does, authenticated with
 *    that patient's bearer token: GET /app, follow the invitation link (GET /app/answer/start?task=…), then on every
 *    page fill the form the HTML shows (a random option of each radio group, sometimes a comment) and post it
 *    (form-encoded, Origin and Sec-Fetch-* headers as Chromium sends them), following each 303 with a GET, until the
 *    review page, whose form sends the answer; the flow ends on the results page it redirects to. Every request is
 *    timed on its own; only requests started after the warm-up and before the end are counted. Without THINK_MS
 *    the users click again as soon as a page arrives (a saturation test); THINK_MS=n adds a pause of n ms on average
 *    (uniform n/2…3n/2) before each click, like a person reading the page.
 * 3. Report per request kind (ids replaced by {id}): count, p50, p90, p99, max, errors (unexpected status), the
 *    largest body, and whether it is under 100 KB; the page weight with the style sheet, script and icon; the HTML of
 *    each kind is saved to OUT_DIR (KIND.html, KIND.headers) for the script's third-party check.
 */
public class AnsweringLoad {
    static final int PAGE_LIMIT = 100_000;
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Pattern FORM = Pattern.compile("<form method=\"post\" action=\"(/app/answer/[^\"]*)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
    static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>");
    static final Pattern TEXTAREA = Pattern.compile("<textarea\\b[^>]*>");
    static final Pattern SELECT = Pattern.compile("<select\\b[^>]*name=\"([^\"]*)\"[^>]*>(.*?)</select>", Pattern.DOTALL);
    static final Pattern OPTION = Pattern.compile("<option\\b[^>]*value=\"([^\"]+)\"");
    static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z-]+)=\"([^\"]*)\"");
    static final Pattern START_LINK = Pattern.compile("href=\"(/app/answer/start\\?task=[^\"]+)\"");
    static final Pattern ASSET = Pattern.compile("(?:href|src)=\"(/(?:assets/[^\"]+|manifest\\.webmanifest))\"");

    static URI base;
    static HttpClient http;
    static final Map<String, Recorder> kinds = new ConcurrentHashMap<>();
    static final Map<String, Boolean> saved = new ConcurrentHashMap<>();
    static Path out;
    static long measureFrom;
    static long end;
    /** Mean pause of a person between a page arriving and the next click (THINK_MS, 0 = none: saturation). */
    static final long THINK_MS = Long.parseLong(System.getenv().getOrDefault("THINK_MS", "0"));

    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: AnsweringLoad BASE_URL PATIENT_TOKENS USERS WARMUP_SECONDS MEASURE_SECONDS UNIT OUT_DIR");
            System.exit(2);
        }
        base = URI.create(args[0]);
        List<String[]> patients = Files.readAllLines(Path.of(args[1])).stream().filter(l -> !l.isBlank())
                .map(l -> l.split(" ", 2)).toList();
        int users = Integer.parseInt(args[2]);
        long warmupNanos = Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
        long measureNanos = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        String unit = args[5];
        out = Path.of(args[6]);
        Files.createDirectories(out);
        String ehrToken = System.getenv("TOKEN");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();

        // 1. invitations
        long t0 = System.nanoTime();
        List<String[]> invited = invite(patients, ehrToken, unit);
        System.out.printf("setup: %d invitations created in %.1f s (POST /fhir/Task, EHR token, 8 threads)%n",
                invited.size(), (System.nanoTime() - t0) / 1e9);

        // 2. the virtual users
        AtomicInteger next = new AtomicInteger();
        AtomicLong flowsDone = new AtomicLong();
        AtomicLong flowsFailed = new AtomicLong();
        AtomicLong exhausted = new AtomicLong();
        Recorder flows = new Recorder();
        long start = System.nanoTime();
        measureFrom = start + warmupNanos;
        end = measureFrom + measureNanos;
        CountDownLatch done = new CountDownLatch(users);
        for (int u = 0; u < users; u++) {
            final Random random = new Random(u);
            new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        int i = next.getAndIncrement();
                        if (i >= invited.size()) {
                            exhausted.incrementAndGet();
                            break;
                        }
                        long f0 = System.nanoTime();
                        boolean ok = flow(invited.get(i)[1], random);
                        long f1 = System.nanoTime();
                        if (f0 >= measureFrom && f1 <= end) {
                            flows.add(f1 - f0, ok);
                            (ok ? flowsDone : flowsFailed).incrementAndGet();
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

        // 3. report
        double seconds = measureNanos / 1e9;
        Recorder all = new Recorder();
        kinds.values().forEach(all::addAll);
        System.out.printf("%nthink time per page: %s", THINK_MS == 0 ? "none (saturation)" : THINK_MS + " ms mean");
        System.out.printf("%nvirtual users=%d warm-up=%ds measured=%.0fs requests=%d (%.1f/s) errors=%d; "
                        + "flows started and finished in the window: %d complete (%.2f/s), %d failed%n",
                users, warmupNanos / 1_000_000_000L, seconds, all.count, all.count / seconds, all.errors,
                flowsDone.get(), flowsDone.get() / seconds, flowsFailed.get());
        if (exhausted.get() > 0) {
            System.out.printf("WARNING: %d virtual users ran out of invitations before the end: raise PATIENTS%n", exhausted.get());
        }
        System.out.printf("%n| request kind | count | p50 ms | p90 ms | p99 ms | max ms | errors | statuses | largest body |%n");
        System.out.printf("|---|---|---|---|---|---|---|---|---|%n");
        for (var entry : new TreeMap<>(kinds).entrySet()) {
            System.out.println(entry.getValue().row(entry.getKey()));
        }
        System.out.println(all.row("**all page requests**"));
        System.out.printf("%nwhole flow (one patient, GET /app to the results page): count=%d p50=%.0f ms p90=%.0f ms p99=%.0f ms max=%.0f ms%n",
                flows.count, flows.pct(50), flows.pct(90), flows.pct(99), flows.pct(100));
        System.out.printf("%nRESULT p99 of all page requests %.1f ms (target < 50 ms): %s%n", all.pct(99),
                all.pct(99) < 50 ? "PASS" : "FAIL");

        // page weight: the HTML plus what the layout loads from our own origin (a browser caches these)
        System.out.printf("%npage sizes (largest body of each kind; limit %,d bytes):%n", PAGE_LIMIT);
        long assets = 0;
        String sample = Files.exists(out.resolve("GET_app.html")) ? Files.readString(out.resolve("GET_app.html")) : "";
        Matcher a = ASSET.matcher(sample);
        List<String> seen = new ArrayList<>();
        while (a.find()) {
            if (seen.contains(a.group(1))) {
                continue;
            }
            seen.add(a.group(1));
            HttpResponse<byte[]> asset = http.send(HttpRequest.newBuilder(base.resolve(a.group(1))).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assets += asset.body().length;
            System.out.printf("  asset %-40s %,8d bytes (status %d)%n", a.group(1), asset.body().length, asset.statusCode());
        }
        boolean allPass = !kinds.isEmpty();
        for (var entry : new TreeMap<>(kinds).entrySet()) {
            long html = entry.getValue().largestBody;
            boolean pass = html > 0 && html + assets < PAGE_LIMIT;
            allPass &= pass || html == 0;
            System.out.printf("  %-48s html %,7d bytes, with assets %,7d bytes: %s%n", entry.getKey(), html,
                    html == 0 ? 0 : html + assets, html == 0 ? "(redirect, no page)" : pass ? "PASS" : "FAIL");
        }
        System.out.printf("RESULT every page under 100 KB including its assets: %s%n", allPass ? "PASS" : "FAIL");
        System.exit(0);
    }

    // ---- one patient's flow ---------------------------------------------------------------------------

    static boolean flow(String token, Random random) throws InterruptedException {
        Optional<HttpResponse<String>> home = get("/app", token);
        if (home.isEmpty()) {
            return false;
        }
        think(random);
        Matcher link = START_LINK.matcher(home.get().body());
        if (!link.find()) {
            return false;
        }
        Optional<HttpResponse<String>> page = follow(get(unescape(link.group(1)), token), token);
        for (int step = 0; step < 40 && page.isPresent(); step++) {
            HttpResponse<String> response = page.get();
            if (response.uri().getPath().startsWith("/app/results/")) {
                return true;
            }
            Matcher form = FORM.matcher(response.body());
            if (!form.find()) {
                return false;
            }
            think(random);
            String action = unescape(form.group(1));
            Optional<HttpResponse<String>> posted = post(action, fill(form.group(2), random), token);
            if (posted.isEmpty()) {
                return false;
            }
            page = follow(posted, token);
        }
        return false;
    }

    /** A person reading the page and choosing: uniform between half and one and a half THINK_MS. */
    static void think(Random random) throws InterruptedException {
        if (THINK_MS > 0) {
            Thread.sleep(THINK_MS / 2 + (long) (random.nextDouble() * THINK_MS));
        }
    }

    /** Follows a 303 chain as a browser does (a post goes to the draft's address, which goes on to the next page). */
    static Optional<HttpResponse<String>> follow(Optional<HttpResponse<String>> response, String token) throws InterruptedException {
        while (response.isPresent() && response.get().statusCode() == 303) {
            response = get(response.get().headers().firstValue("Location").orElseThrow(), token);
        }
        return response;
    }

    /** The form a person would send: hidden fields, one option of each radio group, sometimes a comment. */
    static String fill(String form, Random random) {
        Map<String, List<String>> choices = new LinkedHashMap<>();
        List<String[]> fields = new ArrayList<>();
        Matcher input = INPUT.matcher(form);
        while (input.find()) {
            Map<String, String> attributes = attributes(input.group());
            String name = attributes.get("name");
            if (name == null) {
                continue;
            }
            switch (attributes.getOrDefault("type", "text")) {
                case "hidden" -> fields.add(new String[]{name, attributes.getOrDefault("value", "")});
                case "radio", "checkbox" -> choices.computeIfAbsent(name, n -> new ArrayList<>()).add(attributes.get("value"));
                default -> fields.add(new String[]{name, attributes.getOrDefault("value", "")});
            }
        }
        Matcher textarea = TEXTAREA.matcher(form);
        while (textarea.find()) {
            String name = attributes(textarea.group()).get("name");
            if (name != null) {
                fields.add(new String[]{name, random.nextInt(4) == 0 ? "Kuormitustestin kommentti (demo)." : ""});
            }
        }
        Matcher select = SELECT.matcher(form);
        while (select.find()) {
            Matcher option = OPTION.matcher(select.group(2));
            if (option.find()) {
                fields.add(new String[]{select.group(1), option.group(1)});
            }
        }
        choices.forEach((name, values) -> fields.add(new String[]{name, values.get(random.nextInt(values.size()))}));
        if (form.contains("name=\"action\" value=\"next\"")) {
            fields.add(new String[]{"action", "next"});
        }
        StringBuilder body = new StringBuilder();
        for (String[] field : fields) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(field[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(unescape(field[1]), StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    static Map<String, String> attributes(String tag) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(tag);
        while (m.find()) {
            attributes.put(m.group(1), m.group(2));
        }
        return attributes;
    }

    static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'")
                .replace("&lt;", "<").replace("&gt;", ">");
    }

    // ---- timed requests ---------------------------------------------------------------------------------

    static HttpRequest.Builder browser(String path, String token) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .header("Accept-Language", "fi-FI,fi;q=0.9,en;q=0.8")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) vointi-bench AnsweringLoad")
                .header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document");
    }

    static Optional<HttpResponse<String>> get(String path, String token) throws InterruptedException {
        return timed("GET " + path, browser(path, token).header("Sec-Fetch-Site", "same-origin").GET().build());
    }

    static Optional<HttpResponse<String>> post(String path, String form, String token) throws InterruptedException {
        return timed("POST " + path, browser(path, token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", base.getScheme() + "://" + base.getAuthority())
                .header("Sec-Fetch-Site", "same-origin").header("Sec-Fetch-User", "?1")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** Sends, records under the request's kind and returns the answer when its status is what a browser expects. */
    static Optional<HttpResponse<String>> timed(String request, HttpRequest http) throws InterruptedException {
        String kind = UUID.matcher(request).replaceAll("{id}");
        long t0 = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = AnsweringLoad.http.send(http, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            response = null;
        }
        long t1 = System.nanoTime();
        int status = response == null ? -1 : response.statusCode();
        boolean ok = request.startsWith("POST") ? status == 303 : status == 200 || status == 303;
        int bytes = response == null ? 0 : response.body().getBytes(StandardCharsets.UTF_8).length;
        if (t0 >= measureFrom && t1 <= end) {
            kinds.computeIfAbsent(kind, k -> new Recorder()).add(t1 - t0, ok, status, status == 200 ? bytes : 0);
        }
        if (response != null && status == 200 && saved.putIfAbsent(kind, true) == null) {
            String file = kind.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", "");
            try {
                Files.writeString(out.resolve(file + ".html"), response.body());
                StringBuilder headers = new StringBuilder();
                response.headers().map().forEach((name, values) -> values.forEach(v -> headers.append(name).append(": ").append(v).append('\n')));
                Files.writeString(out.resolve(file + ".headers"), headers);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }
        return ok ? Optional.ofNullable(response) : Optional.empty();
    }

    // ---- setup -------------------------------------------------------------------------------------------

    /** One invitation per patient; returns [task id, patient token]. */
    static List<String[]> invite(List<String[]> patients, String ehrToken, String unit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String[]> invited = new ArrayList<>();
        List<java.util.concurrent.Future<String[]>> results = new ArrayList<>();
        for (String[] patient : patients) {
            results.add(pool.submit(() -> {
                String task = """
                        {"resourceType":"Task","status":"requested","intent":"order",
                         "for":{"reference":"Patient/%s"},
                         "input":[{"type":{"coding":[{"system":"http://hl7.org/fhir/uv/sdc/CodeSystem/temp","code":"questionnaire"}]},
                                   "valueCanonical":"https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom"}],
                         "extension":[{"url":"https://vointi.fi/fhir/StructureDefinition/service-unit",
                                       "valueReference":{"reference":"Organization/%s"}}]}
                        """.formatted(patient[0], unit);
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/fhir/Task"))
                        .header("Authorization", "Bearer " + ehrToken).header("Content-Type", "application/fhir+json")
                        .header("Accept", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(task)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (created.statusCode() != 201) {
                    throw new IllegalStateException("POST /fhir/Task: " + created.statusCode() + " " + created.body());
                }
                String location = created.headers().firstValue("Location").orElseThrow();
                return new String[]{location.substring(location.lastIndexOf('/') + 1), patient[1]};
            }));
        }
        for (var result : results) {
            invited.add(result.get());
        }
        pool.shutdown();
        return invited;
    }

    // ---- figures -----------------------------------------------------------------------------------------

    static final class Recorder {
        long[] nanos = new long[1 << 12];
        int count;
        long errors;
        long largestBody;
        final Map<Integer, Long> statuses = new TreeMap<>();

        synchronized void add(long elapsed, boolean ok) {
            add(elapsed, ok, 0, 0);
        }

        synchronized void add(long elapsed, boolean ok, int status, int bytes) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = elapsed;
            if (!ok) {
                errors++;
            }
            if (status != 0) {
                statuses.merge(status, 1L, Long::sum);
            }
            largestBody = Math.max(largestBody, bytes);
        }

        synchronized void addAll(Recorder other) {
            synchronized (other) {
                for (int i = 0; i < other.count; i++) {
                    add(other.nanos[i], true);
                }
                errors += other.errors;
                other.statuses.forEach((s, n) -> statuses.merge(s, n, Long::sum));
                largestBody = Math.max(largestBody, other.largestBody);
            }
        }

        synchronized double pct(double p) {
            if (count == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * count) - 1;
            return sorted[Math.max(0, Math.min(count - 1, index))] / 1e6;
        }

        synchronized String row(String kind) {
            return String.format("| %s | %,d | %.1f | %.1f | %.1f | %.1f | %d | %s | %s |", kind, count, pct(50), pct(90),
                    pct(99), pct(100), errors, statuses, largestBody == 0 ? "–" : String.format("%,d B", largestBody));
        }
    }
}
