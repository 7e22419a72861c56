package io.tooltune.cli;

import io.tooltune.agent.AgentRun;
import io.tooltune.tools.ApiCatalog;
import io.tooltune.tools.ToolExecutor;
import io.tooltune.tools.VirtualApis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tooltune apis}: StableToolBench's virtual API server (POST /virtual) with a SQLite response cache. */
@Command(name = "apis", mixinStandardHelpOptions = true,
        description = "Serve StableToolBench's /virtual API endpoint: cached responses, else a simulator.")
public final class ApisCommand implements Callable<Integer> {
    @Mixin
    ListenOptions listen;
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

    @Option(names = "--max-cache-entry-bytes", converter = Ranges.Positive.class, defaultValue = "" + VirtualApis.DEFAULT_MAX_CACHE_ENTRY_BYTES,
            description = "largest argument key or response stored as one cache row; larger inputs get an error observation (default ${DEFAULT-VALUE})")
    int maxCacheEntryBytes;

    @Override
    public Integer call() throws Exception {
        listen.warnIfReachable(System.err, false);
        ApiCatalog catalog = VirtualApis.catalog(tools, queries == null ? List.of() : AgentRun.readQueries(queries, System.err));
        ToolExecutor real = toolbenchUrl == null ? null : VirtualApis.passThrough(toolbenchUrl, System.getenv("TOOLBENCH_KEY"));
        try (VirtualApis.Running server = VirtualApis.start(new VirtualApis.ServerOptions(listen.host, listen.port, cache, importCache,
                catalog, VirtualApis.simulator(simulatorUrl, simulatorModel), real, System.err, maxCacheEntryBytes))) {
            if (importCache != null) System.err.println("imported " + server.imported() + " cached responses");
            System.err.println("serving " + server.url() + " (" + server.cache().size() + " cached responses, " + catalog.size() + " APIs known)");
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
