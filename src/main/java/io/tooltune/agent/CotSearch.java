package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.ChatBackend;

import java.util.ArrayList;
import java.util.List;

/**
 * ToolBench's single_chain ("CoT@n"): up to n ReAct chains, stopping at the first answer. A chain ends when its
 * depth reaches {@code maxSteps} nodes (ToolBench's single_chain_max_step) or after {@code maxIterations} model
 * replies (the ToolLLaMA paper's limit on reasoning iterations), whichever comes first; its last node is pruned.
 */
public final class CotSearch extends Search {
    /** The ToolLLaMA paper's limit on reasoning iterations per chain. */
    public static final int PAPER_MAX_ITERATIONS = 10;

    private final int passAt;
    private final int maxIterations;

    public CotSearch(String query, ToolEnv env, ChatBackend backend, int maxSteps, int passAt, int maxIterations) {
        super(query, env, backend, maxSteps);
        if (maxIterations < 1) throw new IllegalArgumentException("maxIterations must be >= 1");
        this.passAt = passAt;
        this.maxIterations = maxIterations;
    }

    @Override
    public ObjectNode run() {
        ArrayNode trys = Json.MAPPER.createArrayNode();
        Node answer = null;
        int tries = 0;
        for (int i = 0; i < passAt && answer == null; i++) {
            tries++;
            Node root = newRoot();
            Node end = chain(root);
            List<Node> path = new ArrayList<>();
            for (Node n = end; n.father != null; n = n.father) path.add(0, n);
            ObjectNode t = trys.addObject();
            ArrayNode c = t.putArray("chain");
            for (Node n : path) c.add(n.toJson());
            t.put("win", end.terminal);
            if (end.terminal) answer = end;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("win", answer != null).put("try_count", tries);
        out.set("trys", trys);
        out.putArray("compare_candidates");
        out.putObject("forward_args").put("single_chain_max_step", maxSteps).put("pass_at", passAt).put("answer", 1);
        out.set("answer_generation", answer == null ? answerGeneration(false, "", List.of())
                : answerGeneration(true, answer.description, answer.trainMessages()));
        return out;
    }

    private Node chain(Node now) {
        for (int replies = 1; ; replies++) {
            now = grow(now, ask(now));
            if ((now.depth() >= maxSteps || replies >= maxIterations) && !now.terminal) now.pruned = true;
            if (now.pruned || now.terminal) return now;
        }
    }
}
