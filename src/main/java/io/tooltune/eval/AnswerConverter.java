package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.data.format.RawAnswer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ToolEval's {@code convert_to_answer_format}: a raw CoT/DFS answer file becomes {query, available_tools,
 * answer{method, total_steps, final_answer, answer_details}}. Valid answers follow the last train_messages
 * conversation; invalid ones a random CoT try or the whole DFS tree, then a random walk from the root to a leaf
 * (ToolEval seeds Python's random with 42; we use {@link SplittableRandom} with the caller's seed, so unfinished DFS
 * trees may take a different, equally random path).
 */
public final class AnswerConverter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final SplittableRandom random;

    public AnswerConverter(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One graph node: role and message (text or {name, arguments, response}); children in insertion order. */
    private static final class Node {
        String role;
        JsonNode message;
        final List<Node> next = new ArrayList<>();

        Node(String role, JsonNode message) {
            this.role = role;
            this.message = message;
        }
    }

    /** Converts one raw answer file's content; {@code method} is the file name's method part (e.g. "CoT@1"). */
    public ObjectNode convert(JsonNode raw, String method, String where) {
        JsonNode gen = raw.path("answer_generation");
        if (!gen.isObject()) throw new BadInputException(where + ": no answer_generation object");
        JsonNode functions = gen.path("function");
        String query = gen.path("query").asText("");
        Node root = new Node("system", F.textNode(""));
        Node user = new Node("user", F.textNode(""));
        root.next.add(user);
        if (gen.path("valid_data").asBoolean(false)) {
            fromConversation(user, gen.path("train_messages"), where);
        } else if (method.contains("CoT") || method.contains("cot")) {
            JsonNode trys = raw.path("trys");
            if (!trys.isArray() || trys.isEmpty()) throw new BadInputException(where + ": invalid CoT answer without trys");
            fromChain(user, trys.get(random.nextInt(trys.size())).path("chain"), where);
        } else if (method.contains("DFS") || method.contains("dfs")) {
            for (JsonNode child : raw.path("tree").path("tree").path("children")) user.next.add(fromTree(child, where));
        } else {
            throw new BadInputException(where + ": unknown method " + method);
        }
        List<Node> path = randomWalk(root);
        ObjectNode out = F.objectNode();
        out.put("query", query);
        out.set("available_tools", functions.deepCopy());
        ObjectNode answer = out.putObject("answer");
        answer.put("method", method);
        answer.put("total_steps", path.size());
        answer.set("final_answer", gen.path("final_answer").isMissingNode() ? F.textNode("") : gen.get("final_answer"));
        ArrayNode details = answer.putArray("answer_details");
        details.add(nested(path, 0));
        return out;
    }

    private static void fromConversation(Node last, JsonNode conversations, String where) {
        JsonNode conv = conversations.isArray() && !conversations.isEmpty() ? conversations.get(conversations.size() - 1) : null;
        if (conv == null) throw new BadInputException(where + ": valid answer without train_messages");
        for (int i = 2; i < conv.size(); i++) {
            JsonNode m = conv.get(i);
            String role = m.path("role").asText();
            switch (role) {
                case "system", "user", "function", "tool" -> { }
                case "assistant" -> {
                    if (m.has("function_call")) {
                        String name = m.get("function_call").path("name").asText();
                        String response = name.equals(FunctionSchemas.FINISH) || i + 1 >= conv.size() ? "" : conv.get(i + 1).path("content").asText("");
                        last = append(last, new Node("tool", call(name, m.get("function_call").path("arguments"), response)));
                        i++;
                    } else if (m.hasNonNull("tool_calls")) {
                        for (JsonNode tc : m.get("tool_calls")) {
                            String name = tc.path("function").path("name").asText();
                            JsonNode args = tc.path("function").path("arguments");
                            if (name.equals(FunctionSchemas.FINISH)) {
                                last = append(last, new Node("tool", call(name, args, "")));
                                break;
                            }
                            for (int j = i + 1; j < conv.size(); j++) {
                                JsonNode r = conv.get(j);
                                if (r.path("role").asText().equals("tool") && r.path("tool_call_id").asText().equals(tc.path("id").asText())) {
                                    last = append(last, new Node("tool", call(name, args, r.path("content").asText(""))));
                                    break;
                                }
                            }
                        }
                    } else {
                        last = append(last, new Node("assistant", m.path("content")));
                    }
                }
                default -> throw new BadInputException(where + ": unknown role " + role);
            }
        }
    }

    private static void fromChain(Node last, JsonNode chain, String where) {
        for (int i = 0; i < chain.size(); i++) {
            JsonNode m = chain.get(i);
            String type = m.path("node_type").asText();
            if (type.equals("Action")) {
                JsonNode input = i + 1 < chain.size() ? chain.get(i + 1) : F.objectNode();
                last = append(last, new Node("tool", call(m.path("description").asText(), input.path("description"),
                        input.path("observation"))));
                i++;
            } else if (type.equals("Thought")) {
                last = append(last, new Node("assistant", m.path("description")));
            } else {
                throw new BadInputException(where + ": unknown node_type " + type);
            }
        }
    }

    /** DFS tree → graph where an Action absorbs its Action Input child (taking over that child's children). */
    private static Node fromTree(JsonNode t, String where) {
        String type = t.path("node_type").asText();
        List<Node> children = new ArrayList<>();
        for (JsonNode c : t.path("children")) children.add(fromTree(c, where));
        Node n;
        switch (type) {
            case "Action" -> {
                n = new Node("Action", t);
                Node input = null;
                for (Node c : children) if (c.role.equals("Action Input") && input == null) input = c;
                if (input != null) {
                    n.role = "tool";
                    n.message = call(t.path("description").asText(), input.message.path("description"), input.message.path("observation"));
                    children.remove(input);
                    children.addAll(input.next);
                }
            }
            case "Thought" -> n = new Node("assistant", t.path("description"));
            case "Action Input" -> n = new Node("Action Input", t);
            default -> throw new BadInputException(where + ": unknown node_type " + type);
        }
        n.next.addAll(children);
        return n;
    }

    private static ObjectNode call(String name, JsonNode arguments, Object response) {
        ObjectNode m = F.objectNode();
        m.put("name", name);
        m.set("arguments", arguments == null || arguments.isMissingNode() ? F.nullNode() : arguments);
        if (response instanceof JsonNode j) m.set("response", j.isMissingNode() ? F.nullNode() : j);
        else m.put("response", (String) response);
        return m;
    }

    private static Node append(Node last, Node node) {
        last.next.add(node);
        return node;
    }

    private List<Node> randomWalk(Node root) {
        List<Node> path = new ArrayList<>();
        Node n = root;
        path.add(n);
        while (!n.next.isEmpty()) {
            n = n.next.get(n.next.size() == 1 ? 0 : random.nextInt(n.next.size()));
            path.add(n);
        }
        return path;
    }

    private static ObjectNode nested(List<Node> path, int i) {
        Node n = path.get(i);
        ObjectNode o = F.objectNode();
        o.put("role", n.role);
        o.set("message", n.message.isMissingNode() ? F.nullNode() : n.message);
        ArrayNode next = o.putArray("next");
        if (i + 1 < path.size()) next.add(nested(path, i + 1));
        return o;
    }

    /** Converts every raw answer file of one group folder (files named {@code <qid>_<method>.json}). */
    public Map<String, ObjectNode> convertFolder(Path dir, Map<String, String> failures) throws IOException {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            int us = name.indexOf('_');
            if (us <= 0) continue;
            String qid = name.substring(0, us);
            String method = name.substring(us + 1, name.length() - ".json".length());
            try {
                JsonNode raw = Json.MAPPER.readTree(f.toFile());
                RawAnswer.of(raw, f.toString());
                out.put(qid, convert(raw, method, f.toString()));
            } catch (BadInputException e) {
                failures.put(qid, e.getMessage());
            } catch (IOException e) {
                failures.put(qid, f + ": " + AnswerSet.jsonProblem(e));
            }
        }
        return out;
    }
}
