package io.tooltune.cli;

import io.tooltune.backend.OpenAiClient;
import io.tooltune.tools.ApiCatalog;
import io.tooltune.tools.ApiServer;
import io.tooltune.tools.HttpToolExecutor;
import io.tooltune.tools.LlmSimulator;
import io.tooltune.tools.ResponseCache;
import io.tooltune.tools.ResponseSimulator;
import io.tooltune.tools.SchemaSimulator;
import io.tooltune.tools.VirtualApis;
import io.tooltune.agent.AgentRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tooltune apis}: StableToolBench's virtual API server (POST /virtual) with a SQLite response cache. */
@Command(name = "apis", mixinStandardHelpOptions = true,
        description = "Serve StableToolBench's /virtual API endpoint: cached responses, else a simulator.")
public final class ApisCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--cache", defaultValue = "tool_response_cache.sqlite", description = "SQLite cache file (default ${DEFAULT-VALUE}).")
    Path cache;
    @Option(names = "--import-cache", description = "Import a StableToolBench tool_response_cache folder first.")
    Path importCache;
    @Option(names = "--tools", description = "ToolBench toolenv/tools folder (descriptions and response templates).")
    Path tools;
    @Option(names = "--queries", description = "Query file or folder whose api_lists give response templates.")
    Path queries;
    @Option(names = "--simulator-url", description = "OpenAI-compatible base URL (ending in /v1) for LLM simulation; key from OPENAI_API_KEY.")
    String simulatorUrl;
    @Option(names = "--simulator-model", defaultValue = "gpt-4-turbo", description = "Simulator model (default ${DEFAULT-VALUE}).")
    String simulatorModel;
    @Option(names = "--toolbench-url", description = "Real ToolBench/RapidAPI service to try before simulating; key from TOOLBENCH_KEY.")
    String toolbenchUrl;

    @Override
    public Integer call() throws Exception {
        try (ResponseCache rc = new ResponseCache(cache)) {
            if (importCache != null) System.err.println("imported " + rc.importFolder(importCache) + " cached responses");
            ApiCatalog catalog = catalog(tools, queries);
            try (ApiServer server = new ApiServer(host, port, new VirtualApis(rc, catalog, simulator(simulatorUrl, simulatorModel),
                    toolbenchUrl == null ? null : new HttpToolExecutor(toolbenchUrl, Duration.ofSeconds(60)), System.err))) {
                System.err.println("serving " + server.url() + " (" + rc.size() + " cached responses, " + catalog.size() + " APIs known)");
                new CountDownLatch(1).await();
            }
        }
        return 0;
    }

    static ApiCatalog catalog(Path tools, Path queries) {
        ApiCatalog catalog = new ApiCatalog();
        if (tools != null) catalog.addToolsFolder(tools);
        if (queries != null) catalog.addQueries(AgentRun.readQueries(queries, System.err));
        return catalog;
    }

    static ResponseSimulator simulator(String url, String model) {
        return url == null ? new SchemaSimulator()
                : new LlmSimulator(new OpenAiClient(url, OpenAiClient.keyFromEnvironment(), Duration.ofSeconds(120)), model, 0);
    }
}
