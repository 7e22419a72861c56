package io.tooltune.agent;

import io.tooltune.data.python.PythonJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.ChatBackend;
import io.tooltune.data.format.RawAnswerWriter;
import io.tooltune.data.format.RawAnswerWriter.AnswerGeneration;
import io.tooltune.data.format.RawAnswerWriter.DfsAnswer;
import io.tooltune.data.format.RawAnswerWriter.KeyOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * DFSDT without the ranking filter ("DFS_woFilter_w&lt;k&gt;"), ToolBench's control flow: depth-first, k
 * children per node, a diversity prompt listing earlier siblings before each extra child, give-ups and answers
 * jumping back two levels, and the whole search aborted at {@code maxQueryCount} model calls.
 */
public final class DfsSearch extends Search {
    static final String DIVERSITY_PROMPT = "This is not the first time you try this task, all previous trails failed.\n"
            + "Before you generate my thought for this state, I will first show you your previous actions for this state, "
            + "and then you must generate actions that is different from all of them. Here are some previous actions "
            + "candidates:\n{previous_candidate}\nRemember you are now in the intermediate state of a trail, you will "
            + "first analyze the now state and previous action candidates, then make actions that is different from all "
            + "the previous.";
    private static final int BACK_ON_ANSWER = 2, BACK_ON_GIVE_UP = 2, ABORT = 100000, DONE = 10000;

    private final int width;
    private final int maxQueryCount;
    private final List<Node> terminals = new ArrayList<>(), giveUps = new ArrayList<>();
    private int expandCounter;

    public DfsSearch(String query, ToolEnv env, ChatBackend backend, int maxSteps, int width, int maxQueryCount) {
        super(query, env, backend, maxSteps);
        this.width = width;
        this.maxQueryCount = maxQueryCount;
    }

    @Override
    public ObjectNode run() {
        Node root = newRoot();
        dfs(root);
        AnswerGeneration ag;
        if (!terminals.isEmpty()) {
            Node t = terminals.get(0);
            ag = answerGeneration(true, t.description, t.trainMessages(), "give_answer");
        } else if (!giveUps.isEmpty()) {
            Node g = giveUps.get(new Random(42).nextInt(giveUps.size()));
            ag = answerGeneration(true, g.description, g.trainMessages(), "give_up");
        } else {
            ag = answerGeneration(false, "", List.of(), "");
        }
        return RawAnswerWriter.dfs(new DfsAnswer(!terminals.isEmpty(), root.size(), root.maxDepth() + 1, root.subtree(),
                maxSteps, width, maxQueryCount, List.of(), ag), KeyOrder.RUNNER);
    }

    public int terminals() {
        return terminals.size();
    }

    public int giveUps() {
        return giveUps.size();
    }

    private int dfs(Node now) {
        now.expandNum = expandCounter++;
        if (now.depth() >= maxSteps || now.pruned || now.terminal) {
            if (now.terminal) {
                terminals.add(now);
                return BACK_ON_ANSWER;
            }
            now.pruned = true;
            if (Integer.valueOf(4).equals(now.observationCode)) {
                giveUps.add(now);
                return BACK_ON_GIVE_UP;
            }
            return 1;
        }
        for (int i = 0; i < width; i++) {
            ObjectNode diversity = diversityMessage(now);
            if (diversity != null) now.messages.add(diversity);
            ChatBackend.Reply reply = ask(now);
            if (queryCount >= maxQueryCount) return ABORT;
            if (diversity != null) diversity.put("valid", false);
            int r = dfs(grow(now, reply));
            if (terminals.size() >= 1) return DONE;
            if (r > 1) return r - 1;
        }
        return 1;
    }

    private static ObjectNode diversityMessage(Node now) {
        if (now.children.isEmpty()) return null;
        ArrayNode js = Json.MAPPER.createArrayNode();
        for (Node child : now.children) {
            Node t = child;
            while (!t.terminal && !t.type.equals("Action Input") && !t.children.isEmpty()) t = t.children.get(0);
            if (t.type.equals("Action Input")) {
                js.addObject().put("name", t.father.description).put("arguments", t.description)
                        .put("function_output", t.observation).put("mento-carlo-action-value", 0.0);
            }
        }
        if (js.isEmpty()) return null;
        String text = PythonJson.dumps(js, 2) + "\n";
        if (!now.observation.isEmpty()) text += "again, your former observation: " + now.observation + "\n";
        return Json.MAPPER.createObjectNode().put("role", "user").put("content", DIVERSITY_PROMPT.replace("{previous_candidate}", text));
    }
}
