package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.ChatBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** A test model: reply k comes from a script; every request's messages are kept (deep copies) for assertions. */
final class ScriptedBackend implements ChatBackend {
    final List<List<ObjectNode>> requests = new ArrayList<>();
    private final IntFunction<ObjectNode> script;

    ScriptedBackend(IntFunction<ObjectNode> script) {
        this.script = script;
    }

    static ObjectNode call(String content, String name, String arguments) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("role", "assistant");
        if (content != null) m.put("content", content);
        m.putObject("function_call").put("name", name).put("arguments", arguments);
        return m;
    }

    @Override
    public Reply chat(List<ObjectNode> messages, ArrayNode functions) {
        List<ObjectNode> copy = new ArrayList<>();
        messages.forEach(m -> copy.add(m.deepCopy()));
        requests.add(copy);
        return new Reply(script.apply(requests.size() - 1), 0, 10);
    }
}
