package io.tooltune.data.synth;

import io.tooltune.data.python.PythonJson;
import io.tooltune.Json;
import io.tooltune.data.python.PythonRepr;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.format.Parameter;
import io.tooltune.data.format.RawAnswerWriter;
import io.tooltune.data.format.RawAnswerWriter.AnswerGeneration;
import io.tooltune.data.format.RawAnswerWriter.DfsAnswer;
import io.tooltune.data.format.RawAnswerWriter.KeyOrder;
import io.tooltune.data.format.RawAnswerWriter.TreeNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a synthetic dataset in ToolBench's and StableToolBench's own file formats (layout in {@link #write}).
 * Everything is written in a fixed order with Python's JSON layout, so equal datasets give byte-identical trees.
 */
public final class SynthWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectWriter INDENT2 = PythonJson.writer(2);
    private static final ObjectWriter INDENT4 = PythonJson.writer(4);
    static final String ANSWER_SUFFIX = "_ChatGPT_DFS_woFilter_w2.json";
    /** Written last; marks a folder as synth output that a later run may replace. */
    public static final String MARKER = "synth.json";
    private static final List<String> OUTPUT_FOLDERS = List.of("toolenv", "instruction", "answer", "test_instruction",
            "test_query_ids", "tool_response_cache", "gold");

    private final SynthDataset ds;
    private final Path out;
    private final Map<Path, Map<String, JsonNode>> cache = new TreeMap<>();
    private int files;

    private SynthWriter(SynthDataset ds, Path out) {
        this.ds = ds;
        this.out = out;
    }

    /** What was written. */
    public record Counts(int categories, int tools, int apis, int trainQueries, int answers,
                         Map<String, Integer> testQueries, int cacheEntries, int files) {}

    /**
     * Writes under {@code out}:
     * <pre>
     * toolenv/tools/&lt;Category&gt;/&lt;standard_tool&gt;.json          tool JSONs
     * toolenv/response_examples/&lt;Category&gt;/&lt;standard_tool&gt;.json response schemas
     * instruction/G{1,2,3}_query.json                      training queries (api_list, relevant APIs)
     * answer/G{1,2,3}_answer/&lt;qid&gt;_ChatGPT_DFS_woFilter_w2.json raw DFS answers of the training queries
     * test_instruction/&lt;group&gt;.json, test_query_ids/&lt;group&gt;.json  the six test groups
     * tool_response_cache/&lt;Category&gt;/&lt;tool&gt;_for_&lt;Category&gt;/&lt;api&gt;.json  virtual-server cache
     * gold/&lt;group&gt;.json, gold/train.json                   expected calls and answer facts per query id
     * synth.json                                           the options (marks the folder as synth output)
     * </pre>
     */
    public static Counts write(SynthDataset ds, Path out) {
        return new SynthWriter(ds, out).writeAll();
    }

    private Counts writeAll() {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BadInputException(out + ": cannot create output folder (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(out)) {
            throw new BadInputException(out + ": output folder is not writable");
        }
        clearPreviousOutput();
        Catalog c = ds.catalog();
        int apis = 0;
        for (SynthTool t : c.tools()) {
            apis += t.apis().size();
            Path rel = Path.of(t.category(), ToolNames.standardize(t.name()) + ".json");
            json(out.resolve("toolenv/tools").resolve(rel), toolJson(t), INDENT4);
            json(out.resolve("toolenv/response_examples").resolve(rel), responseExamples(t), INDENT4);
            for (SynthApi a : t.apis()) {
                if (a.kind() == SynthApi.Kind.LIST) {
                    cache(t, a, new LinkedHashMap<>());
                } else {
                    List<String> keys = a.kind() == SynthApi.Kind.DETAILS
                            ? t.domain().keyPool().stream().map(v -> ds.simulator().idOf(t, v)).toList()
                            : t.domain().keyPool();
                    for (String k : keys) {
                        Map<String, Object> args = new LinkedHashMap<>();
                        args.put(ToolNames.pureApiName(a.keyParam()), k);
                        cache(t, a, args);
                    }
                }
            }
        }
        Map<String, List<SynthQuery>> trainByLevel = new TreeMap<>();
        for (SynthQuery q : ds.train()) {
            trainByLevel.computeIfAbsent(q.level(), k -> new ArrayList<>()).add(q);
            json(out.resolve("answer/" + q.level() + "_answer/" + q.queryId() + ANSWER_SUFFIX), rawAnswer(q), INDENT2);
        }
        for (var e : trainByLevel.entrySet()) {
            json(out.resolve("instruction/" + e.getKey() + "_query.json"), queries(e.getValue()), INDENT4);
        }
        json(out.resolve("gold/train.json"), gold(ds.train()), INDENT2);
        Map<String, Integer> testCounts = new LinkedHashMap<>();
        for (var e : ds.test().entrySet()) {
            json(out.resolve("test_instruction/" + e.getKey() + ".json"), queries(e.getValue()), INDENT4);
            ObjectNode ids = F.objectNode();
            e.getValue().forEach(q -> ids.put(Long.toString(q.queryId()), 0));
            json(out.resolve("test_query_ids/" + e.getKey() + ".json"), ids, INDENT4);
            json(out.resolve("gold/" + e.getKey() + ".json"), gold(e.getValue()), INDENT2);
            testCounts.put(e.getKey(), e.getValue().size());
        }
        int entries = 0;
        for (var e : cache.entrySet()) {
            ObjectNode o = F.objectNode();
            e.getValue().forEach(o::set);
            entries += o.size();
            json(e.getKey(), o, INDENT4);
        }
        ObjectNode marker = F.objectNode();
        marker.put("generator", "tooltune synth");
        marker.put("seed", ds.options().seed());
        marker.put("train_queries", ds.options().trainQueries());
        marker.put("test_queries_per_group", ds.options().testQueriesPerGroup());
        json(out.resolve(MARKER), marker, INDENT2);
        return new Counts(c.categories().size(), c.tools().size(), apis, ds.train().size(), ds.train().size(),
                testCounts, entries, files);
    }

    /**
     * Stale files of an earlier, larger run would mix into this one, so a previous synth output (recognised by its
     * marker file) is replaced; any other non-empty folder is refused rather than touched.
     */
    private void clearPreviousOutput() {
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        } catch (IOException e) {
            throw new BadInputException(out + ": cannot list output folder (" + e.getMessage() + ")");
        }
        if (!Files.isRegularFile(out.resolve(MARKER))) {
            throw new BadInputException(out + ": output folder is not empty and holds no earlier synth output ("
                    + MARKER + "); choose a new or empty folder");
        }
        for (String sub : OUTPUT_FOLDERS) {
            Path dir = out.resolve(sub);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                } catch (IOException e) {
                    throw new BadInputException(dir + ": cannot remove earlier synth output (" + e.getMessage() + ")");
                }
            }
        }
    }

    // ---- tool JSONs ----

    private ObjectNode toolJson(SynthTool t) {
        ObjectNode o = F.objectNode();
        String std = ToolNames.standardize(t.name());
        o.put("product_id", "api_synth_" + std);
        o.put("tool_description", t.description());
        o.put("home_url", "https://rapidapi.com/synth/api/" + t.host().replace(".p.rapidapi.com", "") + "/");
        o.put("name", t.name());
        o.put("title", t.name());
        o.put("pricing", "FREE");
        o.put("tool_name", t.name());
        o.put("host", t.host());
        ArrayNode list = o.putArray("api_list");
        for (SynthApi a : t.apis()) {
            ObjectNode x = list.addObject();
            x.put("name", a.name());
            x.put("url", "https://" + t.host() + "/" + ToolNames.standardize(a.name()).replace('_', '/'));
            x.put("description", a.description());
            x.put("method", a.method());
            x.set("required_parameters", params(a.required()));
            x.set("optional_parameters", params(a.optional()));
            x.put("code", "");
            x.set("test_endpoint", ds.simulator().respond(t, a, exampleArgs(a)));
            x.put("statuscode", 200);
            x.set("schema", template(t, a));
        }
        o.put("standardized_name", std);
        return o;
    }

    private static Map<String, Object> exampleArgs(SynthApi a) {
        Map<String, Object> args = new LinkedHashMap<>();
        a.required().forEach(p -> args.put(ToolNames.pureApiName(p.name()), p.defaultValue()));
        return args;
    }

    private ObjectNode responseExamples(SynthTool t) {
        ObjectNode o = F.objectNode();
        ArrayNode list = o.putArray("api_list");
        for (SynthApi a : t.apis()) {
            ObjectNode x = list.addObject();
            x.put("name", a.name());
            x.set("schema", template(t, a));
        }
        return o;
    }

    private static ArrayNode params(List<SynthParam> ps) {
        ArrayNode arr = F.arrayNode();
        for (SynthParam p : ps) {
            ObjectNode o = arr.addObject();
            o.put("name", p.name());
            o.put("type", p.type());
            o.put("description", p.description());
            o.put("default", p.defaultValue());
        }
        return arr;
    }

    /** The template_response of an API: field → type name, lists as [{..., "_list_length": n}]. */
    static ObjectNode template(SynthTool t, SynthApi a) {
        ObjectNode o = F.objectNode();
        switch (a.kind()) {
            case LOOKUP -> {
                o.put(a.keyParam(), "str");
                a.attributes().forEach(x -> o.put(x.field(), x.templateType()));
            }
            case SEARCH -> {
                ObjectNode item = o.putArray("results").addObject();
                item.put("id", "str");
                item.put("name", "str");
                item.put("_list_length", 3);
                o.put("count", "int");
            }
            case DETAILS -> {
                o.put("id", "str");
                o.put("name", "str");
                a.attributes().forEach(x -> o.put(x.field(), x.templateType()));
            }
            case LIST -> o.putArray(t.domain().plural().replace(' ', '_'))
                    .add("list of str with length " + t.domain().keyValues().size());
        }
        return o;
    }

    // ---- queries and gold ----

    private ArrayNode queries(List<SynthQuery> qs) {
        ArrayNode arr = F.arrayNode();
        for (SynthQuery q : qs) {
            ObjectNode o = arr.addObject();
            ArrayNode list = o.putArray("api_list");
            for (SynthQuery.ApiRef r : q.apiList()) {
                ObjectNode x = list.addObject();
                x.put("category_name", r.tool().category());
                x.put("tool_name", r.tool().name());
                x.put("api_name", r.api().name());
                x.put("api_description", r.api().description());
                x.set("required_parameters", params(r.api().required()));
                x.set("optional_parameters", params(r.api().optional()));
                x.put("method", r.api().method());
                x.set("template_response", template(r.tool(), r.api()));
            }
            o.put("query", q.query());
            ArrayNode rel = o.putArray("relevant APIs");
            List<String> seen = new ArrayList<>();
            for (GoldCall g : q.calls()) {
                if (!seen.contains(g.toolName() + "\u0000" + g.apiName())) {
                    seen.add(g.toolName() + "\u0000" + g.apiName());
                    rel.addArray().add(g.toolName()).add(g.apiName());
                }
            }
            o.put("query_id", q.queryId());
        }
        return arr;
    }

    private ObjectNode gold(List<SynthQuery> qs) {
        ObjectNode o = F.objectNode();
        for (SynthQuery q : qs) {
            ObjectNode x = o.putObject(Long.toString(q.queryId()));
            x.put("query", q.query());
            x.put("group", q.group());
            ArrayNode calls = x.putArray("calls");
            for (GoldCall g : q.calls()) {
                ObjectNode c = calls.addObject();
                c.put("category_name", g.category());
                c.put("tool_name", g.toolName());
                c.put("api_name", g.apiName());
                c.put("function_name", ToolNames.functionName(g.apiName(), ToolNames.standardize(g.toolName())));
                c.set("arguments", Json.MAPPER.valueToTree(g.arguments()));
                c.set("response", response(g));
            }
            x.put("final_answer", q.finalAnswer());
            ArrayNode facts = x.putArray("answer_facts");
            q.facts().forEach(facts::add);
        }
        return o;
    }

    /** The {"error","response"} object the virtual server answers a gold call with; also recorded in the cache. */
    private JsonNode response(GoldCall g) {
        SynthTool t = ds.catalog().tool(g.toolName());
        return cache(t, t.api(g.apiName()), g.arguments());
    }

    private JsonNode cache(SynthTool t, SynthApi a, Map<String, Object> args) {
        ObjectNode r = F.objectNode();
        r.put("error", "");
        r.set("response", ds.simulator().respond(t, a, args));
        String cat = ToolNames.standardizeCategory(t.category());
        Path file = out.resolve("tool_response_cache").resolve(cat)
                .resolve(ToolNames.standardize(t.name()) + "_for_" + cat)
                .resolve(ToolNames.pureApiName(a.name()) + ".json");
        cache.computeIfAbsent(file, k -> new LinkedHashMap<>()).putIfAbsent(PythonRepr.repr(Json.MAPPER.valueToTree(args)), r);
        return r;
    }

    // ---- raw answers ----

    private ObjectNode rawAnswer(SynthQuery q) {
        ArrayNode functions = F.arrayNode();
        List<Map.Entry<String, String>> tools = new ArrayList<>();
        for (SynthQuery.ApiRef r : q.apiList()) {
            String std = ToolNames.standardize(r.tool().name());
            functions.add(FunctionSchemas.fromApi(r.api().name(), r.api().description(), parameters(r.api().required()),
                    parameters(r.api().optional()), std));
            tools.add(Map.entry(std, r.tool().description()));
        }
        functions.add(FunctionSchemas.finish(FunctionSchemas.FinishWording.DATA_COLLECTION));
        List<ObjectNode> messages = new ArrayList<>();
        ObjectNode sys = F.objectNode();
        sys.put("role", "system");
        sys.put("content", ToolLlamaPrompt.rawSystemMessage(ToolLlamaPrompt.taskDescription(tools)));
        messages.add(sys);
        ObjectNode user = F.objectNode();
        user.put("role", "user");
        user.put("content", ToolLlamaPrompt.userMessage(q.query()));
        messages.add(user);

        List<List<ObjectNode>> trainMessages = new ArrayList<>();
        int n = 2 * (q.calls().size() + 1);
        List<TreeNode> chain = new ArrayList<>();
        for (GoldCall g : q.calls()) {
            String fn = ToolNames.functionName(g.apiName(), ToolNames.standardize(g.toolName()));
            String args = argumentsText(g.arguments());
            ObjectNode call = assistantCall(fn, args);
            call.put("content", thought(g, fn));
            messages.add(call);
            trainMessages.add(prefix(messages));
            String observation = PythonJson.dumps(response(g));
            ObjectNode f = F.objectNode();
            f.put("role", "function");
            f.put("name", fn);
            f.put("content", observation);
            messages.add(f);
            chain.add(pathNode(chain.size(), n, "Action", fn, null, null));
            chain.add(pathNode(chain.size(), n, "Action Input", args, observation, 0));
        }
        Map<String, Object> finish = new LinkedHashMap<>();
        finish.put("return_type", "give_answer");
        finish.put("final_answer", q.finalAnswer());
        String finishArgs = argumentsText(finish);
        messages.add(assistantCall(FunctionSchemas.FINISH, finishArgs));
        trainMessages.add(prefix(messages));
        chain.add(pathNode(chain.size(), n, "Action", FunctionSchemas.FINISH, null, null));
        chain.add(pathNode(chain.size(), n, "Action Input", finishArgs,
                "{\"response\":\"successfully giving the final answer.\"}", 3));

        // the DFS tree of this single successful path: the root, then the chain's nodes, one child each
        List<TreeNode> below = List.of();
        for (int i = n - 1; i >= 0; i--) below = List.of(chain.get(i).withChildren(below));
        TreeNode root = new TreeNode(false, false, false, 0, "Action Input", "", null, null, 1, 0, false, below);
        int chars = 0;
        for (List<ObjectNode> m : trainMessages) {
            chars += F.arrayNode().addAll(m).toString().length();
        }
        AnswerGeneration ag = new AnswerGeneration(true, finishArgs, functions, q.calls().size() + 1, chars / 4,
                trainMessages, q.query(), "give_answer");
        // forward_args: the released annotations' DFSDT settings (12 steps a chain, width 2, 200 model calls)
        return RawAnswerWriter.dfs(new DfsAnswer(true, n + 1, n + 1, root, 12, 2, 200, List.of(chain), ag),
                KeyOrder.DATA_RELEASE);
    }

    private static List<Parameter> parameters(List<SynthParam> ps) {
        return ps.stream().map(p -> new Parameter(p.name(), p.type(), p.description(), F.textNode(p.defaultValue())))
                .toList();
    }

    /** Arguments as ChatGPT wrote them in ToolBench: json.dumps(args, indent=2) ("{}" when empty). */
    static String argumentsText(Map<String, Object> args) {
        try {
            return INDENT2.writeValueAsString(args);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short reasoning thought, as the "intact thoughts" release of ToolBench carries beside function calls. */
    private String thought(GoldCall g, String fn) {
        SynthTool t = ds.catalog().tool(g.toolName());
        SynthApi a = t.api(g.apiName());
        String arg = g.arguments().values().iterator().next().toString();
        return switch (a.kind()) {
            case SEARCH -> "First I need the id of " + arg + ", so I will search for it with " + fn + ".";
            case DETAILS -> "The search gave the id " + arg + "; now I can fetch the details.";
            default -> "I should call " + fn + " for " + arg + " to get the "
                    + CatalogGenerator.phrases(a.attributes()) + ".";
        };
    }

    private static ObjectNode assistantCall(String fn, String args) {
        ObjectNode a = F.objectNode();
        a.put("role", "assistant");
        a.putNull("content");
        ObjectNode call = a.putObject("function_call");
        call.put("name", fn);
        call.put("arguments", args);
        return a;
    }

    /** Node {@code i} of a successful path of {@code n} nodes below the root. */
    private static TreeNode pathNode(int i, int n, String type, String description, String observation, Integer code) {
        boolean last = i == n - 1;
        return new TreeNode(last, false, i > 0, i + 1, type, description, observation, code, last ? 0 : 1,
                (i + 1) / 2, false, null);
    }

    private static List<ObjectNode> prefix(List<ObjectNode> messages) {
        return messages.stream().map(ObjectNode::deepCopy).toList();
    }

    private void json(Path file, JsonNode node, ObjectWriter w) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, w.writeValueAsString(node), StandardCharsets.UTF_8);
            files++;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
