package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.format.ApiEntry;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.ToolApi;
import io.tooltune.data.format.ToolJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the simulators know about each API: the tool description, the API's name and description, and its
 * response template. Filled from tool JSONs ({@code toolenv/tools/<Category>/<tool>.json}) or from queries'
 * api_lists; looked up the way StableToolBench's server matches names (standardized category, tool, API).
 */
public final class ApiCatalog {
    public record ApiInfo(String category, String toolName, String toolDescription, String apiName,
                          String apiDescription, JsonNode templateResponse) {}

    private final Map<String, ApiInfo> apis = new HashMap<>();
    private final Map<String, String> toolDescriptions = new HashMap<>();

    public void addQueries(List<Query> queries) {
        for (Query q : queries) {
            for (ApiEntry a : q.apiList()) {
                String key = key(a.categoryName(), a.toolName(), a.apiName());
                ApiInfo old = apis.get(key);
                apis.put(key, new ApiInfo(ToolNames.standardizeCategory(a.categoryName()), a.toolName(),
                        old == null ? "" : old.toolDescription(), a.apiName(),
                        a.apiDescription() == null ? "" : a.apiDescription(), a.templateResponse()));
            }
        }
    }

    /** Reads every {@code <Category>/<tool>.json} under a ToolBench tools folder. */
    public void addToolsFolder(Path root) {
        if (!Files.isDirectory(root)) throw new BadInputException(root + ": not a directory");
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                Path rel = root.relativize(f);
                if (rel.getNameCount() != 2) continue;
                ToolJson tool = ToolJson.of(Json.MAPPER.readTree(f.toFile()), f.toString());
                String category = rel.getName(0).toString();
                toolDescriptions.put(ToolNames.standardize(tool.toolName()), tool.toolDescription());
                for (ToolApi a : tool.apiList()) {
                    apis.put(key(category, tool.toolName(), a.name()), new ApiInfo(category, tool.toolName(),
                            tool.toolDescription(), a.name(), a.description(), a.json().get("template_response")));
                }
            }
        } catch (IOException e) {
            throw new BadInputException(root + ": " + e.getMessage());
        }
    }

    /** Looks up by (standard category, tool name with or without "_for_<category>", API name); null if unknown. */
    public ApiInfo find(String standardCategory, String toolName, String apiName) {
        String tool = toolName.endsWith("_for_" + standardCategory)
                ? toolName.substring(0, toolName.length() - ("_for_" + standardCategory).length()) : toolName;
        return apis.get(standardCategory + "/" + ToolNames.standardize(tool) + "/" + ToolNames.standardize(apiName));
    }

    /** The tool JSON's description for a tool name (original or standardized), or null when not loaded. */
    public String toolDescription(String toolName) {
        return toolDescriptions.get(ToolNames.standardize(toolName));
    }

    public int size() {
        return apis.size();
    }

    private static String key(String category, String tool, String api) {
        return ToolNames.standardizeCategory(category) + "/" + ToolNames.standardize(tool) + "/"
                + ToolNames.standardize(ToolNames.pureApiName(api));
    }
}
