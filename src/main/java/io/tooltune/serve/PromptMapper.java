package io.tooltune.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenAI messages and tools onto the ToolLLaMA prompt the models were trained on. The system prompt is ToolBench's
 * AutoGPT prompt with a task description listing the offered functions (the client's system messages are appended
 * to it), followed by the function list (tools + Finish). A user message becomes ToolBench's "\n{query}\nBegin!\n";
 * an assistant tool call becomes "\nThought: {content}\nAction: {name}\nAction Input: {arguments}" followed by its
 * result as a Function message {"error": "", "response": ...}; an assistant answer becomes a Finish call with
 * give_answer. tool_choice: none lists no tools (only Finish); required drops Finish from the list; a named
 * function is forced by prefilling "Thought: \nAction: {name}\nAction Input: " after "Assistant:\n".
 */
public final class PromptMapper {
    private PromptMapper() {}

    /** The prompt to complete, the prefilled start of the answer, and the functions a call may name. */
    public record Rendered(String prompt, String prefill, Set<String> callable) {}

    public static Rendered render(ChatRequest req) {
        ChatRequest.ChoiceMode mode = req.toolChoice().mode();
        List<ChatRequest.Tool> offered = mode == ChatRequest.ChoiceMode.NONE ? List.of() : req.tools();
        List<ObjectNode> functions = new ArrayList<>();
        for (ChatRequest.Tool t : offered) functions.add(ChatRequest.functionDict(t));
        if (mode != ChatRequest.ChoiceMode.REQUIRED) functions.add(ToolLlamaFormat.finishFunction());
        StringBuilder task = new StringBuilder(ToolLlamaFormat.taskDescription(offered));
        for (ChatRequest.Message m : req.messages()) {
            if ((m.role().equals("system") || m.role().equals("developer")) && m.content() != null && !m.content().isBlank()) {
                task.append('\n').append(m.content());
            }
        }
        List<String[]> turns = new ArrayList<>();
        turns.add(new String[] {"System", ToolLlamaFormat.systemPrompt(task.toString(), functions)});
        Set<Integer> consumed = new HashSet<>();
        List<ChatRequest.Message> ms = req.messages();
        for (int i = 0; i < ms.size(); i++) {
            ChatRequest.Message m = ms.get(i);
            switch (m.role()) {
                case "user" -> turns.add(new String[] {"User", ToolLlamaFormat.userMessage(m.content())});
                case "assistant" -> {
                    if (m.toolCalls().isEmpty()) {
                        turns.add(new String[] {"Assistant", ToolLlamaFormat.finishTurn(m.content() == null ? "" : m.content())});
                        continue;
                    }
                    for (int k = 0; k < m.toolCalls().size(); k++) {
                        ChatRequest.ToolCall call = m.toolCalls().get(k);
                        String thought = k == 0 && m.content() != null ? m.content() : "";
                        turns.add(new String[] {"Assistant", ToolLlamaFormat.actionTurn(thought, call.name(), call.arguments())});
                        for (int j = i + 1; j < ms.size() && ms.get(j).role().equals("tool"); j++) {
                            if (!consumed.contains(j) && ms.get(j).toolCallId().equals(call.id())) {
                                consumed.add(j);
                                turns.add(new String[] {"Function", ToolLlamaFormat.observation(ms.get(j).content())});
                                break;
                            }
                        }
                    }
                }
                case "tool" -> {
                    if (!consumed.contains(i)) turns.add(new String[] {"Function", ToolLlamaFormat.observation(m.content())});
                }
                default -> { }
            }
        }
        String prefill = mode == ChatRequest.ChoiceMode.NAMED
                ? "Thought: \nAction: " + req.toolChoice().function() + "\nAction Input: " : "";
        Set<String> callable = new LinkedHashSet<>();
        if (mode == ChatRequest.ChoiceMode.NAMED) callable.add(req.toolChoice().function());
        else for (ChatRequest.Tool t : offered) callable.add(t.name());
        return new Rendered(ToolLlamaFormat.conversation(turns) + prefill, prefill, callable);
    }

    static ArrayNode array(List<ObjectNode> nodes) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        nodes.forEach(a::add);
        return a;
    }
}
