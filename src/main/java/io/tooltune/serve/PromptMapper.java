package io.tooltune.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tooltune.data.python.PythonJson;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.Turn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
        ArrayNode functions = JsonNodeFactory.instance.arrayNode();
        List<Map.Entry<String, String>> toolLines = new ArrayList<>();
        boolean clientFinish = false;
        for (ChatRequest.Tool t : offered) {
            functions.add(ChatRequest.functionDict(t));
            // a client that offers its own Finish (tooltune's and ToolBench's agents do) replaces the built-in one;
            // as in ToolBench, the task description does not list it
            if (t.name().equals(FunctionSchemas.FINISH)) clientFinish = true;
            else toolLines.add(Map.entry(t.name(), t.description()));
        }
        if (mode != ChatRequest.ChoiceMode.REQUIRED && !clientFinish) {
            functions.add(FunctionSchemas.finish(FunctionSchemas.FinishWording.INFERENCE));
        }
        StringBuilder task = new StringBuilder(ToolLlamaPrompt.taskDescription(toolLines));
        for (ChatRequest.Message m : req.messages()) {
            if ((m.role().equals("system") || m.role().equals("developer")) && m.content() != null && !m.content().isBlank()) {
                task.append('\n').append(m.content());
            }
        }
        List<Turn> turns = new ArrayList<>();
        turns.add(new Turn("system", ToolLlamaPrompt.systemPrompt(task.toString(), functions)));
        Set<Integer> consumed = new HashSet<>();
        List<ChatRequest.Message> ms = req.messages();
        for (int i = 0; i < ms.size(); i++) {
            ChatRequest.Message m = ms.get(i);
            switch (m.role()) {
                case "user" -> turns.add(new Turn("user", ToolLlamaPrompt.userMessage(m.content())));
                case "assistant" -> {
                    if (m.toolCalls().isEmpty()) {
                        turns.add(new Turn("assistant", ToolLlamaPrompt.assistantStep("", FunctionSchemas.FINISH,
                                finishArguments(m.content() == null ? "" : m.content()))));
                        continue;
                    }
                    for (int k = 0; k < m.toolCalls().size(); k++) {
                        ChatRequest.ToolCall call = m.toolCalls().get(k);
                        String thought = k == 0 && m.content() != null ? m.content() : "";
                        turns.add(new Turn("assistant", ToolLlamaPrompt.assistantStep(thought, call.name(), call.arguments())));
                        for (int j = i + 1; j < ms.size() && ms.get(j).role().equals("tool"); j++) {
                            if (!consumed.contains(j) && ms.get(j).toolCallId().equals(call.id())) {
                                consumed.add(j);
                                turns.add(new Turn("function", observation(ms.get(j).content())));
                                break;
                            }
                        }
                    }
                }
                case "tool" -> {
                    if (!consumed.contains(i)) turns.add(new Turn("function", observation(m.content())));
                }
                default -> { }
            }
        }
        String prefill = mode == ChatRequest.ChoiceMode.NAMED
                ? "Thought: \nAction: " + req.toolChoice().function() + "\nAction Input: " : "";
        Set<String> callable = new LinkedHashSet<>();
        if (mode == ChatRequest.ChoiceMode.NAMED) callable.add(req.toolChoice().function());
        else for (ChatRequest.Tool t : offered) callable.add(t.name());
        return new Rendered(ToolLlamaPrompt.renderInference(turns) + prefill, prefill, callable);
    }

    /** A tool result as ToolBench's environment reports it: json.dumps({"error": "", "response": content}). */
    static String observation(String content) {
        return PythonJson.dumps(JsonNodeFactory.instance.objectNode().put("error", "").put("response", content));
    }

    /** A past answer as the Finish call that would have produced it (json.dumps with indent 2, as in ToolBench data). */
    static String finishArguments(String answer) {
        return PythonJson.dumps(JsonNodeFactory.instance.objectNode().put("return_type", "give_answer").put("final_answer", answer), 2);
    }
}
