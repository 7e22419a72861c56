package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.OpenAiClient;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.python.PythonRepr;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * StableToolBench's {@code /virtual} logic in process: name normalisation, argument parsing, cache lookup,
 * optional real call through a RapidAPI-style pass-through (kept only when it looks like a real answer), else
 * a simulated response; real and simulated responses are cached. Every request is logged with its TYPE.
 */
public final class VirtualApis implements ToolExecutor {
    /** ToolBench's local executor returns {@code str(observation)[:2048]}; longer fresh responses are cut so. */
    public static final int MAX_RESPONSE_CHARS = 2048;
    private static final int EXAMPLES = 5;
    private static final List<String> BAD_WORDS = List.of("http", "connection", "rate limit", "time out", "timed out",
            "does not exist", "404", "504", "500", "internal error", "authoriz", "authenticat", "unauthorized",
            "blocked user", "unsubscribe", "blocked", "401", "403", "credential", "unauthenticated",
            "disabled for your subscription", "parameter", "parse", "is not defined");

    private final ResponseCache cache;
    private final ApiCatalog catalog;
    private final ResponseSimulator simulator;
    private final ToolExecutor realService;
    private final PrintStream log;
    private int maxCacheEntryBytes = DEFAULT_MAX_CACHE_ENTRY_BYTES;

    /** Largest argument key or response stored as one cache row (UTF-8 bytes); see {@link #maxCacheEntryBytes(int)}. */
    public static final int DEFAULT_MAX_CACHE_ENTRY_BYTES = 64 * 1024;

    /**
     * A virtual API server: where it listens, its SQLite cache (and a StableToolBench cache folder to import first,
     * or null), the APIs it knows, how it simulates a miss, the real service to try first (or null) and its request
     * log (or null), and the largest cache row it stores ({@link #maxCacheEntryBytes(int)}).
     */
    public record ServerOptions(String host, int port, Path cache, Path importCache, ApiCatalog catalog,
                                ResponseSimulator simulator, ToolExecutor realService, PrintStream log,
                                int maxCacheEntryBytes) {
        public ServerOptions(String host, int port, Path cache, Path importCache, ApiCatalog catalog,
                             ResponseSimulator simulator, ToolExecutor realService, PrintStream log) {
            this(host, port, cache, importCache, catalog, simulator, realService, log, DEFAULT_MAX_CACHE_ENTRY_BYTES);
        }
    }

    /** A running server and its cache; closing stops the server, then closes the cache. */
    public record Running(ApiServer server, ResponseCache cache, int imported) implements AutoCloseable {
        public String url() {
            return server.url();
        }

        @Override
        public void close() {
            try (cache) {
                server.close();
            }
        }
    }

    /** Opens the cache (importing first if asked) and starts the server. */
    public static Running start(ServerOptions o) {
        try {
            Path dir = o.cache().toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ResponseCache cache = new ResponseCache(o.cache());
        try {
            int imported = o.importCache() == null ? 0 : cache.importFolder(o.importCache());
            return new Running(new ApiServer(o.host(), o.port(), new VirtualApis(cache, o.catalog(), o.simulator(),
                    o.realService(), o.log()).maxCacheEntryBytes(o.maxCacheEntryBytes())), cache, imported);
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /** The server the agent runs in process: loopback, a free port, no real service, no request log. */
    public static Running embedded(Path cache, ApiCatalog catalog, ResponseSimulator simulator) {
        return start(new ServerOptions("127.0.0.1", 0, cache, null, catalog, simulator, null, null));
    }

    /** The tools under {@code toolsDir} (null: none) and the APIs the queries list. */
    public static ApiCatalog catalog(Path toolsDir, List<Query> queries) {
        ApiCatalog catalog = new ApiCatalog();
        if (toolsDir != null) catalog.addToolsFolder(toolsDir);
        catalog.addQueries(queries);
        return catalog;
    }

    /** The schema simulator, or with an OpenAI-compatible base URL (key from OPENAI_API_KEY) the LLM one. */
    public static ResponseSimulator simulator(String openAiUrl, String model) {
        return openAiUrl == null ? new SchemaSimulator()
                : new LlmSimulator(new OpenAiClient(openAiUrl, OpenAiClient.keyFromEnvironment(), Duration.ofSeconds(120)), model, 0);
    }

    /** A real ToolBench/RapidAPI-style service; a non-empty {@code key} replaces the key each request carries. */
    public static ToolExecutor passThrough(String url, String key) {
        HttpToolExecutor http = new HttpToolExecutor(url, Duration.ofSeconds(60));
        if (key == null || key.isEmpty()) return http;
        return r -> http.execute(new ToolRequest(r.category(), r.toolName(), r.apiName(), r.toolInput(), r.strip(), key));
    }

    /** {@code realService} (RapidAPI pass-through) may be null: then misses go straight to the simulator. */
    public VirtualApis(ResponseCache cache, ApiCatalog catalog, ResponseSimulator simulator, ToolExecutor realService,
                       PrintStream log) {
        this.cache = cache;
        this.catalog = catalog;
        this.simulator = simulator;
        this.realService = realService;
        this.log = log;
    }

    /**
     * Caps what one cache row may hold. An argument key over the cap is answered with an error observation and
     * neither simulated nor stored; a response over it is served but not stored. StableToolBench has no cap: a
     * 19 MB tool input became a 19 MB row.
     */
    public VirtualApis maxCacheEntryBytes(int bytes) {
        if (bytes < 1) throw new IllegalArgumentException("max cache entry bytes must be >= 1, got " + bytes);
        maxCacheEntryBytes = bytes;
        return this;
    }

    @Override
    public String execute(ToolRequest r) throws IOException {
        String category = ToolNames.standardizeCategory(r.category());
        String toolName = r.toolName();
        String apiName = ToolNames.pureApiName(r.apiName()).split("_for_" + Pattern.quote(toolName), -1)[0];
        if (!toolName.endsWith("_for_" + category)) toolName = ToolNames.standardize(toolName) + "_for_" + category;
        if (apiName.equals("chat_with_user")) return body("", "Chat with user.");

        JsonNode input = r.toolInput();
        if (input.isTextual()) {
            String text = input.textValue();
            try {
                input = text.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
            } catch (IOException e) {
                input = null;
            }
            if (input == null || !input.isObject()) {
                log("tool_input_parse_error", category, toolName, apiName, text);
                return body("Tool input parse error...\n", "");
            }
        }
        String key = PythonRepr.repr(input);
        if (utf8Length(key) > maxCacheEntryBytes) {
            log("tool_input_too_large (" + utf8Length(key) + " bytes)", category, toolName, apiName, "");
            return body("Tool input too large: more than " + maxCacheEntryBytes + " bytes...\n", "");
        }
        String cached = cache.get(category, toolName, apiName, key);
        if (cached != null) {
            log("cached_real_response", category, toolName, apiName, key);
            return cached;
        }
        if (realService != null) {
            String original = r.toolName().contains("_for_") ? r.toolName().split("_for_", -1)[0] : r.toolName();
            try {
                String real = realService.execute(new ToolRequest(category, original, apiName, input, "", r.toolbenchKey()));
                JsonNode parsed = Json.MAPPER.readTree(real);
                if (checkResult(parsed)) {
                    String stored = Json.MAPPER.writeValueAsString(truncate((ObjectNode) parsed));
                    store(category, toolName, apiName, key, stored, "real");
                    log("real_response", category, toolName, apiName, key);
                    return stored;
                }
            } catch (IOException | RuntimeException e) {
                log("real_response_failed (" + e.getMessage() + ")", category, toolName, apiName, key);
            }
        }
        ApiCatalog.ApiInfo info = catalog.find(category, toolName, apiName);
        ObjectNode fake = simulator.simulate(info, cache.examples(category, toolName, apiName, EXAMPLES), input);
        String stored = Json.MAPPER.writeValueAsString(truncate(fake));
        // a failed simulation (endpoint down, 401, no JSON after the retries) is served but never cached, so that
        // it is tried again; StableToolBench caches it and serves the failure forever after
        if (fake.path("error").asText("").isEmpty()) {
            store(category, toolName, apiName, key, stored, "simulated-" + simulator.kind());
            log("fake_response (simulated by " + simulator.kind() + ")", category, toolName, apiName, key);
        } else {
            log("fake_response_failed (" + fake.path("error").asText() + ")", category, toolName, apiName, key);
        }
        return stored;
    }

    private void store(String category, String tool, String api, String key, String response, String source) {
        if (utf8Length(response) <= maxCacheEntryBytes) cache.put(category, tool, api, key, response, source);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** StableToolBench's {@code check_result}: does a real service answer look like a usable response? */
    static boolean checkResult(JsonNode v) {
        if (v == null || !v.isObject() || !v.has("error") || !v.get("error").asText().isEmpty() || !v.has("response")) {
            return false;
        }
        JsonNode resp = v.get("response");
        String s = resp.isTextual() ? resp.textValue() : PythonRepr.repr(resp);
        String lower = s.toLowerCase(Locale.ROOT);
        for (String w : BAD_WORDS) if (lower.contains(w)) return false;
        if (s.contains("Service Not Found") || s.contains("ACCESS_DENIED")) return false;
        return !s.isEmpty() && !s.contains("status_code=50") && !s.contains("status_code=429");
    }

    private static ObjectNode truncate(ObjectNode response) {
        JsonNode resp = response.get("response");
        if (resp == null) return response;
        String s = resp.isTextual() ? resp.textValue() : PythonRepr.repr(resp);
        if (s.length() > MAX_RESPONSE_CHARS) response.put("response", s.substring(0, MAX_RESPONSE_CHARS));
        return response;
    }

    private static String body(String error, String response) throws IOException {
        return Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("error", error).put("response", response));
    }

    private void log(String type, String category, String tool, String api, String input) {
        if (log != null) {
            synchronized (log) {
                log.println("TYPE: " + type + " | " + category + " | " + tool + " | " + api + " | " + input);
            }
        }
    }
}
