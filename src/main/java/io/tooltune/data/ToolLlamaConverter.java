package io.tooltune.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tooltune.data.format.AnswerNode;
import io.tooltune.data.format.ChatMessage;
import io.tooltune.data.format.ConvertedAnswer;
import io.tooltune.data.format.FunctionCall;
import io.tooltune.data.format.RawAnswer;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.data.python.PythonLiteral;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trajectories → ToolLLaMA training instances exactly as ToolBench's {@code preprocess_toolllama_data.py}: one
 * instance per train_messages list (one per assistant step), assistant messages folded into ReAct text, a thought
 * that shares a message with a function call dropped, instances whose last message is not a call discarded.
 */
public final class ToolLlamaConverter {
    private static final Pattern TOOL_OF_FUNCTION = Pattern.compile("^This is the subfunction for tool \"([^\"]*)\"");

    private ToolLlamaConverter() {}

    /** All instances of one raw answer file; none when {@code valid_data} is false. */
    public static List<ToolLlamaExample> fromRawAnswer(RawAnswer answer) {
        List<ToolLlamaExample> out = new ArrayList<>();
        if (!answer.validData()) return out;
        for (List<ChatMessage> messages : answer.trainMessages()) {
            ToolLlamaExample e = fromMessages(messages, answer.query(), answer.functions());
            if (e != null) out.add(e);
        }
        return out;
    }

    /** One instance from one message list, or null when its last message is not an assistant function call. */
    public static ToolLlamaExample fromMessages(List<ChatMessage> messages, String query, JsonNode functions) {
        List<Turn> conv = new ArrayList<>();
        StringBuilder react = new StringBuilder();
        for (int id = 0; id < messages.size(); id++) {
            ChatMessage m = messages.get(id);
            boolean last = id + 1 == messages.size();
            if (m.role().equals("assistant")) {
                if (!m.hasFunctionCall()) {
                    if (last) return null;
                    react.append("\nThought: ").append(m.content() == null ? "" : m.content());
                    continue;
                }
                if (react.isEmpty()) react.append("\nThought: ");
                FunctionCall call = m.functionCall();
                react.append("\nAction: ").append(call.name()).append("\nAction Input: ").append(call.arguments());
                conv.add(new Turn("assistant", react.toString()));
                react.setLength(0);
                if (last) return new ToolLlamaExample("Step " + id + ": " + query, List.copyOf(conv));
            } else {
                String content = m.content() == null ? "" : m.content();
                String value = m.role().equals("system") ? ToolLlamaPrompt.processSystemMessage(content, functions) : content;
                // StableToolBench's newer runs answer calls with role "tool"; the template knows it as Function
                conv.add(new Turn(m.role().equals("tool") ? "function" : m.role(), value));
                react.setLength(0);
            }
        }
        return null;
    }

    /** The result of converting one ToolEval converted answer. */
    public record Converted(List<ToolLlamaExample> examples, boolean finished, int truncatedTargets, int cutHistories) {}

    /**
     * A ToolEval converted answer → instances. Its path is turned back into OpenAI messages (tool node →
     * assistant call + function reply; assistant node → thought) and every prefix ending in a call becomes an
     * instance, as for raw answers. Only answers that reach Finish count as valid (ToolBench trains on valid data
     * only). Older files cut tool messages to 100 characters: the Finish arguments are then taken from
     * {@code final_answer}, a step whose own call arguments were cut is not used as a target, and instances whose
     * history holds cut text are counted ({@link Converted#cutHistories}).
     *
     * @param toolDescriptions standard tool name → description for the task description ("None" where absent)
     */
    public static Converted fromConvertedAnswer(ConvertedAnswer answer, Map<String, String> toolDescriptions) {
        List<AnswerNode> path = answer.path();
        List<ChatMessage> messages = new ArrayList<>();
        String task = ToolLlamaPrompt.taskDescription(toolsOf(answer.availableTools(), toolDescriptions));
        messages.add(ChatMessage.of("system", ToolLlamaPrompt.rawSystemMessage(task)));
        messages.add(ChatMessage.of("user", ToolLlamaPrompt.userMessage(answer.query())));
        List<Boolean> cut = new ArrayList<>();
        boolean finished = false;
        for (int k = 2; k < path.size(); k++) {
            AnswerNode n = path.get(k);
            if (n.role().equals("assistant")) {
                messages.add(ChatMessage.of("assistant", n.message().isTextual() ? n.message().textValue() : n.message().toString()));
                cut.add(false);
            } else if (n.role().equals("tool")) {
                JsonNode msg = n.message();
                boolean truncated = false;
                if (msg.isTextual()) {
                    PythonLiteral.Parsed p = PythonLiteral.parsePrefix(msg.textValue());
                    msg = p.value();
                    truncated = p.truncated();
                }
                String name = msg.path("name").asText("");
                boolean argsComplete = !truncated || msg.has("response");
                String arguments = msg.path("arguments").asText("");
                if (name.equals(FunctionSchemas.FINISH)) {
                    finished = true;
                    if (!answer.finalAnswer().isEmpty()) {
                        arguments = answer.finalAnswer();
                        argsComplete = true;
                    }
                }
                messages.add(new ChatMessage("assistant", null, new FunctionCall(name, arguments), null, null));
                cut.add(!argsComplete);
                if (!name.equals(FunctionSchemas.FINISH)) {
                    messages.add(new ChatMessage("function", msg.path("response").asText(""), null, name, null));
                    cut.add(truncated);
                }
            }
        }
        List<ToolLlamaExample> out = new ArrayList<>();
        int truncatedTargets = 0, cutHistories = 0;
        if (finished) {
            for (int end = 3; end <= messages.size(); end++) {
                ChatMessage last = messages.get(end - 1);
                if (!last.role().equals("assistant") || !last.hasFunctionCall()) continue;
                if (cut.get(end - 3)) {
                    truncatedTargets++;
                    continue;
                }
                ToolLlamaExample e = fromMessages(messages.subList(0, end), answer.query(), answer.availableTools());
                if (e == null) continue;
                out.add(e);
                if (cut.subList(0, end - 3).contains(true)) cutHistories++;
            }
        }
        return new Converted(out, finished, truncatedTargets, cutHistories);
    }

    /** (standard tool name, description) pairs in first-appearance order, read from the function descriptions. */
    static List<Map.Entry<String, String>> toolsOf(ArrayNode functions, Map<String, String> descriptions) {
        List<Map.Entry<String, String>> tools = new ArrayList<>();
        for (JsonNode f : functions) {
            Matcher m = TOOL_OF_FUNCTION.matcher(f.path("description").asText(""));
            if (m.find()) tools.add(new AbstractMap.SimpleEntry<>(m.group(1), descriptions.getOrDefault(m.group(1), "")));
        }
        return tools;
    }
}
