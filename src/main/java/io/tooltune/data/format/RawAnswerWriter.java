package io.tooltune.data.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Builds raw ToolBench answer files (read back by {@link RawAnswer}): DFSDT files with a search tree, CoT files with
 * their attempts' chains. The agent's searches and the synthetic data generator both write through here.
 */
public final class RawAnswerWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private RawAnswerWriter() {}

    /**
     * Key order of {@code answer_generation}. RUNNER: the order ToolBench's search code fills them in. DATA_RELEASE:
     * the order of the released DFS annotations (with finish_type last). finish_type, where given, ends both.
     */
    public enum KeyOrder { RUNNER, DATA_RELEASE }

    /**
     * One node as ToolBench's {@code tree_node.to_json} writes it. The observation is left out when null or empty,
     * its code when null; {@code ioState} adds an empty {@code io_state}; {@code children} null writes none (chain
     * and candidate nodes).
     */
    public record TreeNode(boolean terminal, boolean pruned, boolean finished, int depth, String type,
                           String description, String observation, Integer observationCode, int childCount,
                           int expandNum, boolean ioState, List<TreeNode> children) {
        public TreeNode withChildren(List<TreeNode> c) {
            return new TreeNode(terminal, pruned, finished, depth, type, description, observation, observationCode,
                    childCount, expandNum, ioState, c);
        }
    }

    /** The {@code answer_generation} block; {@code finishType} null leaves the key out (CoT files). */
    public record AnswerGeneration(boolean validData, String finalAnswer, ArrayNode functions, int queryCount,
                                   int totalTokens, List<List<ObjectNode>> trainMessages, String query,
                                   String finishType) {}

    /** A DFSDT run ({@code <qid>_..._DFS_woFilter_w<k>.json}); each compare candidate is a chain of nodes. */
    public record DfsAnswer(boolean win, int size, int maxLength, TreeNode tree, int singleChainMaxStep,
                            int treeBeamSize, int maxQueryCount, List<List<TreeNode>> compareCandidates,
                            AnswerGeneration answer) {}

    /** A CoT run ({@code <qid>_CoT@<n>.json}): one try per chain. */
    public record CotAnswer(boolean win, List<CotTry> trys, int singleChainMaxStep, int passAt,
                            AnswerGeneration answer) {}

    public record CotTry(List<TreeNode> chain, boolean win) {}

    public static ObjectNode dfs(DfsAnswer a, KeyOrder order) {
        ObjectNode o = F.objectNode();
        o.put("win", a.win());
        ObjectNode tree = o.putObject("tree");
        tree.put("size", a.size()).put("max_length", a.maxLength());
        tree.set("tree", node(a.tree()));
        o.putObject("forward_args").put("single_chain_max_step", a.singleChainMaxStep())
                .put("tree_beam_size", a.treeBeamSize()).put("max_query_count", a.maxQueryCount()).put("answer", 1)
                .put("with_filter", false);
        ArrayNode candidates = o.putArray("compare_candidates");
        for (List<TreeNode> chain : a.compareCandidates()) candidates.add(nodes(chain));
        o.set("answer_generation", answerGeneration(a.answer(), order));
        return o;
    }

    public static ObjectNode cot(CotAnswer a) {
        ObjectNode o = F.objectNode();
        o.put("win", a.win()).put("try_count", a.trys().size());
        ArrayNode trys = o.putArray("trys");
        for (CotTry t : a.trys()) {
            ObjectNode x = trys.addObject();
            x.set("chain", nodes(t.chain()));
            x.put("win", t.win());
        }
        o.putArray("compare_candidates");
        o.putObject("forward_args").put("single_chain_max_step", a.singleChainMaxStep()).put("pass_at", a.passAt())
                .put("answer", 1);
        o.set("answer_generation", answerGeneration(a.answer(), KeyOrder.RUNNER));
        return o;
    }

    public static ObjectNode node(TreeNode n) {
        ObjectNode o = F.objectNode();
        o.put("is_terminal", n.terminal()).put("pruned", n.pruned()).put("finished", n.finished())
                .put("depth", n.depth()).put("node_type", n.type()).put("description", n.description())
                .put("Elo", 1000.0);
        if (n.observation() != null && !n.observation().isEmpty()) o.put("observation", n.observation());
        if (n.observationCode() != null) o.put("observation_code", n.observationCode());
        o.put("child_count", n.childCount()).put("expand_num", n.expandNum());
        if (n.ioState()) o.putObject("io_state");
        if (n.children() != null) o.set("children", nodes(n.children()));
        return o;
    }

    private static ArrayNode nodes(List<TreeNode> nodes) {
        ArrayNode arr = F.arrayNode();
        nodes.forEach(n -> arr.add(node(n)));
        return arr;
    }

    public static ObjectNode answerGeneration(AnswerGeneration a, KeyOrder order) {
        ObjectNode o = F.objectNode();
        o.put("valid_data", a.validData());
        if (order == KeyOrder.RUNNER) {
            o.put("final_answer", a.finalAnswer());
            o.set("function", a.functions());
            o.put("query_count", a.queryCount()).put("total_tokens", a.totalTokens());
            o.set("train_messages", trainMessages(a.trainMessages()));
            o.putArray("chain");
        } else {
            o.put("query_count", a.queryCount()).put("total_tokens", a.totalTokens());
            o.put("final_answer", a.finalAnswer());
            o.set("function", a.functions());
            o.putArray("chain");
            o.set("train_messages", trainMessages(a.trainMessages()));
        }
        o.put("query", a.query());
        if (a.finishType() != null) o.put("finish_type", a.finishType());
        return o;
    }

    private static ArrayNode trainMessages(List<List<ObjectNode>> lists) {
        ArrayNode tm = F.arrayNode();
        for (List<ObjectNode> l : lists) tm.addArray().addAll(l);
        return tm;
    }
}
