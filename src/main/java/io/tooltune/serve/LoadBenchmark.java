package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark (a command, not a test): N closed-loop clients POST tool-calling chat requests for S seconds to
 * an OpenAI-compatible server and the run reports throughput and p50/p99 latency. Requests started before the
 * deadline are waited for, so every request counts. Run through bench/serve-load.
 */
public final class LoadBenchmark {
    private LoadBenchmark() {}

    /**
     * {@code LoadBenchmark (--url URL --model-id ID | --scripted FILE | --random-opt350m TOKENIZER_DIR [--max-batch 16])
     * [--clients 16] [--seconds 60] [--max-tokens 16]}: against a running server, or an in-process one serving a
     * script or a randomly initialised opt-350m-shaped model.
     */
    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
        int clients = Integer.parseInt(a.getOrDefault("--clients", "16"));
        int seconds = Integer.parseInt(a.getOrDefault("--seconds", "60"));
        int maxTokens = Integer.parseInt(a.getOrDefault("--max-tokens", "16"));
        if (a.containsKey("--url")) {
            System.out.println(run(a.get("--url"), a.getOrDefault("--model-id", "model"), clients, seconds, maxTokens).summary());
            return;
        }
        ModelBackend backend;
        if (a.containsKey("--scripted")) {
            backend = ScriptedBackend.load(java.nio.file.Path.of(a.get("--scripted")), "bench", 1 << 20);
        } else if (a.containsKey("--random-opt350m")) {
            // An opt-350m-shaped model with random weights (no download); the tokenizer folder gives the OPT vocabulary.
            io.tooltune.tokenizer.Tokenizer tok = io.tooltune.tokenizer.Tokenizer.load(java.nio.file.Path.of(a.get("--random-opt350m")));
            io.tooltune.model.opt.OptModel model = io.tooltune.model.opt.OptModel.random(io.tooltune.model.opt.OptConfig.opt350m(), 1);
            backend = new LocalModelBackend(new io.tooltune.model.io.LoadedModel(model, tok), "bench",
                    Integer.parseInt(a.getOrDefault("--max-batch", "16")));
        } else {
            throw new IllegalArgumentException("give --url URL, --scripted FILE or --random-opt350m TOKENIZER_DIR");
        }
        try (backend; ChatServer server = new ChatServer(backend, "127.0.0.1", 0)) {
            server.start();
            Result r = run("http://127.0.0.1:" + server.port() + "/v1", "bench", clients, seconds, maxTokens);
            String batching = backend instanceof LocalModelBackend l ? String.format(" mean_batch=%.2f", l.meanBatchSize()) : "";
            System.out.println(r.summary() + batching);
        }
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
