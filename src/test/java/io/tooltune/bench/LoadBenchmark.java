package io.tooltune.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.serve.ChatServer;
import io.tooltune.serve.LocalModelBackend;
import io.tooltune.serve.ModelBackend;
import io.tooltune.serve.ScriptedBackend;
import io.tooltune.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Load benchmark: N closed-loop clients POST tool-calling chat requests for S seconds to an OpenAI-compatible server
 * and the run reports throughput and p50/p99 latency. Requests started before the deadline are waited for, so every
 * request counts. The server is a running one, or one in process serving a script or a randomly initialised
 * opt-350m-shaped model.
 * <p>
 * With {@code --stream} every request is streamed and asks for a JSON answer ({@code response_format} json_object,
 * {@code tool_choice} none, same messages and tools), so that its first token is visible content: on the ReAct path
 * free text stays hidden until it is known to be the answer, which would time the scaffolding, not the first token.
 * Time to first token is then measured as the client sees it (send to the first non-empty content delta), under load
 * and, before the load starts, for lone requests one at a time: the lone figure is the prefill as a client sees it,
 * with the same prompts (each differs from the previous one at the city, as under load, so the prefix cache serves
 * the same shared part).
 */
@Command(name = "serve-load", mixinStandardHelpOptions = true, description = "Closed-loop load on an OpenAI-compatible server.")
public final class LoadBenchmark implements Callable<Integer> {
    /** Exactly one target. */
    static final class Target {
        @Option(names = "--url", description = "a running server's base URL, ending in /v1")
        String url;

        @Option(names = "--scripted", description = "serve this script in process")
        Path scripted;

        @Option(names = "--random-opt350m", paramLabel = "TOKENIZER_DIR", description = "serve a random opt-350m-shaped model in process, with this OPT tokenizer")
        Path randomOpt350m;
    }

    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(names = "--model-id", defaultValue = "model", description = "model id for --url (default ${DEFAULT-VALUE})")
    String modelId;

    @Option(names = "--max-batch", defaultValue = "16", description = "most requests decoded together, --random-opt350m (default ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--batching", defaultValue = "continuous", description = "continuous, between-steps (continuous, arrivals prefilled only between decode steps) or static "
            + "(the engine before continuous batching), --random-opt350m (default ${DEFAULT-VALUE})")
    String batching;

    @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--seconds", defaultValue = "60", description = "how long clients start new requests (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--max-tokens", defaultValue = "16", description = "max_tokens of each request (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--max-tokens-spread", defaultValue = "0", description = "each request's max_tokens drawn from "
            + "max-tokens ± this (seeded by client and request; default ${DEFAULT-VALUE}): with equal lengths, closed-loop "
            + "clients finish together and arrive together, in cohorts")
    int spread;

    @Option(names = "--stream", description = "streamed JSON answers; adds time to first token, under load and for --lone requests alone after a first one")
    boolean stream;

    @Option(names = "--lone", defaultValue = "5", description = "with --stream: lone requests sent one at a time before the load, after a first one that is reported apart (default ${DEFAULT-VALUE})")
    int lone;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (target.url != null) {
            Requests requests = new Requests(target.url, modelId, maxTokens, spread, stream);
            load(requests, lonePrefill(requests));
            return 0;
        }
        ModelBackend backend = target.scripted != null ? ScriptedBackend.load(target.scripted, "bench", 1 << 20)
                // random weights (no download); the tokenizer folder gives the OPT vocabulary
                : localModel(new LoadedModel(OptModel.random(OptConfig.opt350m(), 1), Tokenizer.load(target.randomOpt350m)));
        try (backend; ChatServer server = new ChatServer(backend, "127.0.0.1", 0)) {
            server.start();
            Requests requests = new Requests("http://127.0.0.1:" + server.port() + "/v1", "bench", maxTokens, spread, stream);
            double lonePrefillMs = lonePrefill(requests);
            InferenceWorker.Stats before = backend instanceof LocalModelBackend l ? l.stats() : null;
            double[] ttftBefore = serverTtft(requests);
            Result r = load(requests, lonePrefillMs);
            double[] ttftAfter = serverTtft(requests);
            double n = ttftAfter[1] - ttftBefore[1];
            // the server's own histogram: from the request's submission to the engine to its first decoded piece
            System.out.printf("server ttft mean=%.0f ms over %.0f generations (client ttft mean=%.0f ms)%n",
                    (ttftAfter[0] - ttftBefore[0]) * 1000 / Math.max(1, n), n, r.ttftMeanMs());
            if (backend instanceof LocalModelBackend l) {
                // continuous batching counts decode steps: the engine never idles under load, so the wall time
                // over them is the mean step; static batching counts batches
                long steps = l.stats().batches() - before.batches();
                long seqs = l.stats().sequences() - before.sequences();
                System.out.printf("engine: %s=%d mean_batch=%.2f mean_%s=%.0f ms%n", batching.equals("static") ? "batches" : "steps",
                        steps, (double) seqs / Math.max(1, steps), batching.equals("static") ? "batch" : "step",
                        r.seconds() * 1000 / Math.max(1, steps));
            }
        }
        return 0;
    }

    /** The sum (seconds) and count of the server's time-to-first-token histogram, from its /metrics. */
    private static double[] serverTtft(Requests requests) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(URI.create(requests.baseUrl().replaceFirst("/v1$", "") + "/metrics")).build();
        double[] sumCount = new double[2];
        for (String line : requests.http().send(get, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
            if (line.startsWith("tooltune_time_to_first_token_seconds_sum")) sumCount[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("tooltune_time_to_first_token_seconds_count")) sumCount[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sumCount;
    }

    /** The lone requests' median time to first token (NaN without --stream), printed. */
    private double lonePrefill(Requests requests) throws IOException, InterruptedException {
        if (!stream || lone < 1) return Double.NaN;
        // the first request prefills the whole prompt (nothing cached yet) and warms the JIT: reported apart
        System.out.printf("first request ttft=%.0f ms (whole prompt prefilled)%n", requests.send(0, 0).ttftMs());
        List<Double> ttft = new ArrayList<>();
        for (int i = 1; i <= lone; i++) ttft.add(requests.send(0, i).ttftMs());
        Collections.sort(ttft);
        double median = percentile(ttft, 0.50);
        System.out.printf("lone requests=%d ttft median=%.0f ms min=%.0f ms max=%.0f ms%n", lone, median,
                ttft.getFirst(), ttft.getLast());
        return median;
    }

    /** The load, printed with the ratio of its time to first token to the lone one's. */
    private Result load(Requests requests, double lonePrefillMs) throws InterruptedException {
        Result r = run(requests, clients, seconds);
        System.out.println(r.summary());
        if (!Double.isNaN(lonePrefillMs)) {
            System.out.printf("ttft under load / lone: p50 %.2fx p99 %.2fx%n", r.ttftP50Ms() / lonePrefillMs,
                    r.ttftP99Ms() / lonePrefillMs);
        }
        return r;
    }

    private LocalModelBackend localModel(LoadedModel loaded) {
        return switch (batching) {
            case "continuous" -> new LocalModelBackend(loaded, "bench", maxBatch);
            case "static" -> new LocalModelBackend(loaded, "bench", InferenceWorker.staticBatches(loaded, maxBatch, 0));
            case "between-steps" -> new LocalModelBackend(loaded, "bench", InferenceWorker.prefillingBetweenSteps(loaded, maxBatch));
            default -> throw new IllegalArgumentException("--batching: continuous, between-steps or static, not " + batching);
        };
    }

    /** What one run measured. */
    public record Result(int clients, double seconds, int requests, int errors, long completionTokens,
                         double p50Ms, double p99Ms, double meanMs, double ttftP50Ms, double ttftP99Ms, double ttftMeanMs) {
        public String summary() {
            String ttft = Double.isNaN(ttftP50Ms) ? "" : String.format(" ttft p50=%.0f ms p99=%.0f ms", ttftP50Ms, ttftP99Ms);
            return String.format("clients=%d wall=%.1fs requests=%d errors=%d throughput=%.3f req/s %.2f completion tok/s "
                            + "latency p50=%.0f ms p99=%.0f ms mean=%.0f ms", clients, seconds, requests, errors,
                    requests / seconds, completionTokens / seconds, p50Ms, p99Ms, meanMs) + ttft;
        }
    }

    /** One answered request: its latency, its time to first token (NaN unless streamed) and its completion tokens. */
    record Timing(double latencyMs, double ttftMs, long completionTokens) {}

    /** The benchmark's chat requests against one server: plain tool-calling ones, or streamed JSON answers. */
    record Requests(String baseUrl, String model, int maxTokens, int spread, boolean stream, HttpClient http) {
        Requests(String baseUrl, String model, int maxTokens, int spread, boolean stream) {
            this(baseUrl, model, maxTokens, spread, stream,
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());
        }

        /** Client {@code client}'s request {@code i}'s max_tokens. */
        int tokens(int client, int i) {
            if (spread == 0) return maxTokens;
            return Math.max(1, maxTokens - spread + new Random(client * 1_000_003L + i).nextInt(2 * spread + 1));
        }

        /** Sends client {@code client}'s request {@code i}; throws with the server's answer when it is not a reply. */
        Timing send(int client, int i) throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .timeout(Duration.ofMinutes(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request(model, client, i, tokens(client, i), stream))).build();
            long t0 = System.nanoTime();
            if (!stream) {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                JsonNode json = Json.MAPPER.readTree(r.body());
                if (r.statusCode() != 200 || !json.at("/choices/0/message").isObject()) {
                    throw new IOException(r.statusCode() + " " + r.body());
                }
                return new Timing((System.nanoTime() - t0) / 1e6, Double.NaN, json.at("/usage/completion_tokens").asLong());
            }
            HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            long first = -1;
            long tokens = -1;
            try (Stream<String> lines = r.body()) {
                if (r.statusCode() != 200) throw new IOException(r.statusCode() + " " + String.join("\n", lines.toList()));
                for (String line : (Iterable<String>) lines::iterator) {
                    if (!line.startsWith("data: {")) continue;
                    JsonNode chunk = Json.MAPPER.readTree(line.substring("data: ".length()));
                    if (chunk.has("error")) throw new IOException(line);
                    if (first < 0 && !chunk.at("/choices/0/delta/content").asText("").isEmpty()) first = System.nanoTime();
                    if (chunk.at("/usage/completion_tokens").isNumber()) tokens = chunk.at("/usage/completion_tokens").asLong();
                }
            }
            if (first < 0 || tokens < 0) throw new IOException("a stream without content or usage");
            return new Timing((System.nanoTime() - t0) / 1e6, (first - t0) / 1e6, tokens);
        }
    }

    /** Runs {@code clients} client threads sending {@code requests} for {@code seconds}. */
    public static Result run(Requests requests, int clients, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        List<Timing> timings = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("load-client-" + c).start(() -> {
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    try {
                        timings.add(requests.send(client, i));
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        System.err.println("error: " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        double wall = (System.nanoTime() - start) / 1e9;
        List<Double> latencies = sorted(timings, Timing::latencyMs);
        List<Double> ttft = sorted(timings, Timing::ttftMs);
        double mean = latencies.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        long tokens = timings.stream().mapToLong(Timing::completionTokens).sum();
        return new Result(clients, wall, latencies.size(), errors.get(), tokens, percentile(latencies, 0.50),
                percentile(latencies, 0.99), mean, percentile(ttft, 0.50), percentile(ttft, 0.99),
                ttft.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    }

    private static List<Double> sorted(List<Timing> timings, ToDoubleFunction<Timing> f) {
        return timings.stream().map(f::applyAsDouble).filter(x -> !Double.isNaN(x)).sorted().toList();
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) return Double.NaN;
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Client {@code client}'s request {@code i}: the same tool, a city that changes from one request to the next. */
    private static String request(String model, int client, int i, int maxTokens, boolean stream) {
        String city = List.of("Paris", "Oslo", "Lima", "Cairo", "Perth", "Quito", "Turin", "Accra").get((client + i) % 8);
        String streamed = stream ? "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"response_format\":{\"type\":\"json_object\"},\"tool_choice\":\"none\"," : "";
        return "{\"model\":\"" + model + "\"," + streamed + "\"temperature\":0,\"max_tokens\":" + maxTokens + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in " + city + " today?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather for a city\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]}";
    }
}
