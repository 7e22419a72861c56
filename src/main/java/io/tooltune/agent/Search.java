package io.tooltune.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.BackendFailure;
import io.tooltune.backend.ChatBackend;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.RawAnswerWriter.AnswerGeneration;

import java.io.IOException;
import java.util.List;

/**
 * What CoT and DFSDT share: the opening messages, one model call turned into Thought / Action / Action Input
 * nodes with the environment's observation (ToolBench's node construction), the counters, and the answer JSON.
 */
public abstract sealed class Search permits CotSearch, DfsSearch {
    protected final String query;
    protected final ToolEnv env;
    protected final ChatBackend backend;
    protected final int maxSteps;
    protected int queryCount, totalTokens;

    protected Search(String query, ToolEnv env, ChatBackend backend, int maxSteps) {
        this.query = query;
        this.env = env;
        this.backend = backend;
        this.maxSteps = maxSteps;
    }

    /** Runs the search and returns the raw answer file's JSON. */
    public abstract ObjectNode run();

    public int queryCount() {
        return queryCount;
    }

    public int totalTokens() {
        return totalTokens;
    }

    protected Node newRoot() {
        Node root = Node.root();
        root.messages.add(Json.MAPPER.createObjectNode().put("role", "system")
                .put("content", ToolLlamaPrompt.rawSystemMessage(env.taskDescription())));
        root.messages.add(Json.MAPPER.createObjectNode().put("role", "user").put("content", ToolLlamaPrompt.userMessage(query)));
        return root;
    }

    /**
     * Asks the model; a failed call is error code 1 here (the node is pruned), except an unreachable endpoint
     * ({@link BackendFailure}), which ends the query without an answer.
     */
    protected ChatBackend.Reply ask(Node node) {
        try {
            ChatBackend.Reply r = backend.chat(node.messages, env.functions());
            totalTokens += r.tokens();
            return r;
        } catch (BackendFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            ObjectNode m = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "model call failed: " + e.getMessage());
            return new ChatBackend.Reply(m, 1, 0);
        } finally {
            queryCount++;
        }
    }

    /** Builds the reply's nodes under {@code now}, steps the environment, and returns the last new node. */
    protected Node grow(Node now, ChatBackend.Reply reply) {
        if (reply.errorCode() != 0) {
            now.observationCode = reply.errorCode();
            now.pruned = true;
            return now;
        }
        ObjectNode msg = reply.message();
        JsonNode content = msg.get("content");
        if (content != null && !content.isNull()) now = new Node("Thought", content.asText(), now);
        JsonNode call = msg.get("function_call");
        if (call != null && call.isObject()) {
            String name = call.path("name").asText("");
            String arguments = call.path("arguments").asText("");
            now = new Node("Action", name, now);
            now = new Node("Action Input", arguments, now);
            ToolEnv.Observation obs = env.step(name, arguments);
            now.observation = obs.text();
            now.observationCode = obs.code();
            if (obs.code() == 4) now.pruned = true;
            else if (obs.code() == 1) ((ObjectNode) call).put("name", ToolEnv.HALLUCINATED);
            else if (obs.code() == 3) now.terminal = true;
        }
        now.messages.add(msg);
        if (now.type.equals("Action Input") && call != null) {
            now.messages.add(Json.MAPPER.createObjectNode().put("role", "function").put("name", call.path("name").asText())
                    .put("content", now.observation));
        }
        return now;
    }

    /** The answer_generation block; {@code finishType} null for CoT files, which have none. */
    protected AnswerGeneration answerGeneration(boolean valid, String finalAnswer, List<List<ObjectNode>> trainMessages,
                                                String finishType) {
        return new AnswerGeneration(valid, finalAnswer, env.functions().deepCopy(), queryCount, totalTokens,
                trainMessages, query, finishType);
    }
}
