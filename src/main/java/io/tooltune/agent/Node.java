package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.data.format.RawAnswerWriter.TreeNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * ToolBench's {@code tree_node}: a Thought, Action or Action Input step with its observation, the messages up
 * to it (a shallow copy of the parent's list: message objects are shared, so marking a diversity prompt
 * invalid shows in every copy, as in Python) and its JSON form.
 */
public final class Node {
    public final String type;
    public final String description;
    public final Node father;
    public final List<Node> children = new ArrayList<>();
    public final List<ObjectNode> messages;
    public String observation = "";
    public Integer observationCode;
    public boolean terminal, pruned;
    public int expandNum;

    Node(String type, String description, Node father) {
        this.type = type;
        this.description = description;
        this.father = father;
        this.messages = father == null ? new ArrayList<>() : new ArrayList<>(father.messages);
        if (father != null) father.children.add(this);
    }

    static Node root() {
        return new Node("Action Input", "", null);
    }

    public int depth() {
        int d = 0;
        for (Node n = father; n != null; n = n.father) d++;
        return d;
    }

    /** This node as a chain node (ToolBench's {@code to_json}): its child count but not its children. */
    public TreeNode chainNode() {
        return treeNode(null);
    }

    /** This node with its subtree ({@code to_json_recursive}). */
    public TreeNode subtree() {
        return treeNode(children.stream().map(Node::subtree).toList());
    }

    private TreeNode treeNode(List<TreeNode> written) {
        return new TreeNode(false, pruned, false, depth(), type, description, observation, observationCode,
                children.size(), expandNum, type.equals("Action Input"), written);
    }

    /** ToolBench's {@code get_train_messages_from_this_node}: one message list per assistant turn on the path. */
    public List<List<ObjectNode>> trainMessages() {
        List<List<ObjectNode>> result = new ArrayList<>();
        for (Node n = this; n.father != null; n = n.father) {
            List<ObjectNode> use = new ArrayList<>(n.messages);
            if (n.type.equals("Action Input")) {
                while (!use.isEmpty() && !use.get(use.size() - 1).path("role").asText().equals("assistant")) use.remove(use.size() - 1);
                use = keepLastInvalid(use);
                if (!use.isEmpty()) result.add(use);
            } else if (n.type.equals("Thought")) {
                while (!use.isEmpty() && use.get(use.size() - 1).path("role").asText().equals("user")) use.remove(use.size() - 1);
                use = keepLastInvalid(use);
                if (!use.isEmpty() && use.get(use.size() - 1).path("role").asText().equals("assistant")) result.add(use);
            }
        }
        Collections.reverse(result);
        return result;
    }

    private static List<ObjectNode> keepLastInvalid(List<ObjectNode> messages) {
        List<ObjectNode> out = new ArrayList<>();
        boolean kept = false;
        for (int i = messages.size() - 1; i >= 0; i--) {
            ObjectNode m = messages.get(i);
            boolean invalid = m.has("valid") && m.get("valid").isBoolean() && !m.get("valid").booleanValue();
            if (!invalid) out.add(0, m.deepCopy());
            else if (!kept) {
                kept = true;
                out.add(0, m.deepCopy());
            }
        }
        return out;
    }

    int size() {
        int s = 1;
        for (Node c : children) s += c.size();
        return s;
    }

    int maxDepth() {
        int d = depth();
        for (Node c : children) d = Math.max(d, c.maxDepth());
        return d;
    }
}
