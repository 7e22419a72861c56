package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.backend.ChatBackend;
import io.tooltune.data.format.RawAnswerWriter;
import io.tooltune.data.format.RawAnswerWriter.AnswerGeneration;
import io.tooltune.data.format.RawAnswerWriter.CotAnswer;
import io.tooltune.data.format.RawAnswerWriter.CotTry;
import io.tooltune.data.format.RawAnswerWriter.TreeNode;

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
        List<CotTry> trys = new ArrayList<>();
        Node answer = null;
        for (int i = 0; i < passAt && answer == null; i++) {
            Node end = chain(newRoot());
            List<TreeNode> path = new ArrayList<>();
            for (Node n = end; n.father != null; n = n.father) path.add(0, n.chainNode());
            trys.add(new CotTry(path, end.terminal));
            if (end.terminal) answer = end;
        }
        AnswerGeneration ag = answer == null ? answerGeneration(false, "", List.of(), null)
                : answerGeneration(true, answer.description, answer.trainMessages(), null);
        return RawAnswerWriter.cot(new CotAnswer(answer != null, trys, maxSteps, passAt, ag));
    }

    private Node chain(Node now) {
        for (int replies = 1; ; replies++) {
            now = grow(now, ask(now));
            if ((now.depth() >= maxSteps || replies >= maxIterations) && !now.terminal) now.pruned = true;
            if (now.pruned || now.terminal) return now;
        }
    }
}
