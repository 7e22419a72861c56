package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.ChatBackend;

import java.util.ArrayList;
import java.util.List;

/** ToolBench's single_chain ("CoT@n"): up to n ReAct chains, stopping at the first answer. */
public final class CotSearch extends Search {
    private final int passAt;

    public CotSearch(String query, ToolEnv env, ChatBackend backend, int maxSteps, int passAt) {
        super(query, env, backend, maxSteps);
        this.passAt = passAt;
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
        while (true) {
            now = grow(now, ask(now));
            if (now.depth() >= maxSteps && !now.terminal) now.pruned = true;
            if (now.pruned || now.terminal) return now;
        }
    }
}
