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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark: N closed-loop clients POST tool-calling chat requests for S seconds to an OpenAI-compatible server
 * and the run reports throughput and p50/p99 latency. Requests started before the deadline are waited for, so every
 * request counts. The server is a running one, or one in process serving a script or a randomly initialised
 * opt-350m-shaped model.
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

    @Option(names = "--batching", defaultValue = "continuous", description = "continuous or static (the engine before continuous batching), --random-opt350m (default ${DEFAULT-VALUE})")
    String batching;

    @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--seconds", defaultValue = "60", description = "how long clients start new requests (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--max-tokens", defaultValue = "16", description = "max_tokens of each request (default ${DEFAULT-VALUE})")
    int maxTokens;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (target.url != null) {
            System.out.println(run(target.url, modelId, clients, seconds, maxTokens).summary());
            return 0;
        }
        ModelBackend backend = target.scripted != null ? ScriptedBackend.load(target.scripted, "bench", 1 << 20)
                // random weights (no download); the tokenizer folder gives the OPT vocabulary
                : localModel(new LoadedModel(OptModel.random(OptConfig.opt350m(), 1), Tokenizer.load(target.randomOpt350m)));
        try (backend; ChatServer server = new ChatServer(backend, "127.0.0.1", 0)) {
            server.start();
            Result r = run("http://127.0.0.1:" + server.port() + "/v1", "bench", clients, seconds, maxTokens);
            String batching = backend instanceof LocalModelBackend l ? String.format(" mean_batch=%.2f", l.stats().meanBatchSize()) : "";
            System.out.println(r.summary() + batching);
        }
        return 0;
    }

    private LocalModelBackend localModel(LoadedModel loaded) {
        return switch (batching) {
            case "continuous" -> new LocalModelBackend(loaded, "bench", maxBatch);
            case "static" -> new LocalModelBackend(loaded, "bench", InferenceWorker.staticBatches(loaded, maxBatch, 0));
            default -> throw new IllegalArgumentException("--batching: continuous or static, not " + batching);
        };
    }

    /** What one run measured. */
    public record Result(int clients, double seconds, int requests, int errors, long completionTokens,
                         double p50Ms, double p99Ms, double meanMs) {
        public String summary() {
            return String.format("clients=%d wall=%.1fs requests=%d errors=%d throughput=%.3f req/s %.2f completion tok/s "
                            + "latency p50=%.0f ms p99=%.0f ms mean=%.0f ms", clients, seconds, requests, errors,
                    requests / seconds, completionTokens / seconds, p50Ms, p99Ms, meanMs);
        }
    }

    /** Runs {@code clients} client threads against {@code baseUrl} (ending in /v1) for {@code seconds}. */
    public static Result run(String baseUrl, String model, int clients, int seconds, int maxTokens) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("load-client-" + c).start(() -> {
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    String body = request(model, client, i, maxTokens);
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                                .timeout(Duration.ofMinutes(30)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        JsonNode json = Json.MAPPER.readTree(r.body());
                        if (r.statusCode() != 200 || !json.at("/choices/0/message").isObject()) {
                            errors.incrementAndGet();
                            System.err.println("error: " + r.statusCode() + " " + r.body());
                            continue;
                        }
                        tokens.addAndGet(json.at("/usage/completion_tokens").asLong());
                        latencies.add((System.nanoTime() - t0) / 1e6);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        System.err.println("error: " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        double wall = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double mean = sorted.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return new Result(clients, wall, sorted.size(), errors.get(), tokens.get(), percentile(sorted, 0.50), percentile(sorted, 0.99), mean);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) return Double.NaN;
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static String request(String model, int client, int i, int maxTokens) {
        String city = List.of("Paris", "Oslo", "Lima", "Cairo", "Perth", "Quito", "Turin", "Accra").get((client + i) % 8);
        return "{\"model\":\"" + model + "\",\"temperature\":0,\"max_tokens\":" + maxTokens + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in " + city + " today?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather for a city\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]}";
    }
}
