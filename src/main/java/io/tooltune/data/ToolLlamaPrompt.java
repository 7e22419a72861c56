package io.tooltune.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.data.format.Turn;
import io.tooltune.data.python.PythonRepr;
import io.tooltune.data.python.PythonStr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ToolLLaMA's prompt protocol: the AutoGPT system prompt with its task description and Python-repr function
 * list, the user prompt, the {@code tool-llama-single-round} rendering used in training ("Role: value\n", the
 * last message ending in "</s>") and the inference prompt (ending in "Assistant:\n").
 */
public final class ToolLlamaPrompt {
    /** {@code FORMAT_INSTRUCTIONS_SYSTEM_FUNCTION}, typos included; {@code {task_description}} is filled in. */
    public static final String SYSTEM_TEMPLATE = """
            You are AutoGPT, you can use many tools(functions) to do the following task.
            First I will give you the task description, and your task start.
            At each step, you need to give your thought to analyze the status now and what to do next, with a function call to actually excute your step.
            After the call, you will get the call result, and you are now in a new state.
            Then you will analyze your status now, then decide what to do next...
            After many (Thought-call) pairs, you finally perform the task, then you can give your finial answer.
            Remember:\s
            1.the state change is irreversible, you can't go back to one of the former state, if you want to restart the task, say "I give up and restart".
            2.All the thought is short, at most in 5 sentence.
            3.You can do more then one trys, so if your plan is to continusly try some conditions, you can do one of the conditions per try.
            Let's Begin!
            Task description: {task_description}""";

    static final String TASK_DESCRIPTION_HEAD = """
            You should use functions to help handle the real time user querys. Remember:
            1.ALWAYS call "Finish" function at the end of the task. And the final answer should contain enough information to show to the user,If you can't handle the task, or you find that function calls always fail(the function is not valid now), use function Finish->give_up_and_restart.
            2.Do not use origin tool names, use only subfunctions' names.
            You have access of the following tools:
            """;

    private static final String STEP_ANCHOR = "with a function call to actually excute your step.";
    private static final String FORMAT_HINT = " Your output should follow this format:\nThought:\nAction\nAction Input:\n";
    public static final String FUNCTIONS_PREFIX = "\nSpecifically, you have access to the following APIs: ";

    public static final String SYSTEM = "System", USER = "User", FUNCTION = "Function", ASSISTANT = "Assistant";
    public static final String EOS = "</s>";
    /** What training masks up to: the text before the target reply ends with this separator. */
    public static final String ASSISTANT_SEP = "\nAssistant: ";
    public static final String INFERENCE_SUFFIX = "Assistant:\n";

    private ToolLlamaPrompt() {}

    /**
     * The per-query task description: one line per distinct standard tool name, in first-appearance order with
     * the last description given for it (Python dict semantics), description cut to 512, newlines removed,
     * stripped, "None" when empty.
     */
    public static String taskDescription(List<Map.Entry<String, String>> tools) {
        Map<String, String> unique = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : tools) unique.put(t.getKey(), t.getValue() == null ? "" : t.getValue());
        StringBuilder sb = new StringBuilder(TASK_DESCRIPTION_HEAD);
        int k = 1;
        for (Map.Entry<String, String> e : unique.entrySet()) {
            String d = PythonStr.strip(PythonStr.head(e.getValue(), 512).replace("\n", ""));
            sb.append(k++).append('.').append(e.getKey()).append(": ").append(d.isEmpty() ? "None" : d).append('\n');
        }
        return sb.toString();
    }

    /** The raw system message as ToolBench stores it in train_messages / history (no function list yet). */
    public static String rawSystemMessage(String taskDescription) {
        return SYSTEM_TEMPLATE.replace("{task_description}", taskDescription);
    }

    /** {@code process_system_message}: adds the ReAct format hint and the Python-repr function list. */
    public static String processSystemMessage(String systemMessage, JsonNode functions) {
        return systemMessage.replace(STEP_ANCHOR, STEP_ANCHOR + FORMAT_HINT) + FUNCTIONS_PREFIX + PythonRepr.repr(functions);
    }

    /** A processed system message's text before its function list, without the ReAct format hint. */
    public static String withoutFormatHint(String systemMessage) {
        return systemMessage.replace(STEP_ANCHOR + FORMAT_HINT, STEP_ANCHOR);
    }

    /** The full ToolLLaMA system prompt for a query. */
    public static String systemPrompt(String taskDescription, JsonNode functions) {
        return processSystemMessage(rawSystemMessage(taskDescription), functions);
    }

    /** {@code FORMAT_INSTRUCTIONS_USER_FUNCTION}. */
    public static String userMessage(String query) {
        return "\n" + query + "\nBegin!\n";
    }

    /** The ReAct text of one assistant step: "\nThought: t\nAction: a\nAction Input: i". */
    public static String assistantStep(String thought, String action, String actionInput) {
        return "\nThought: " + thought + "\nAction: " + action + "\nAction Input: " + actionInput;
    }

    /** Maps a data role (system/user/function/assistant) to its template role name. */
    public static String roleName(String from) {
        return switch (from) {
            case "system" -> SYSTEM;
            case "user" -> USER;
            case "function" -> FUNCTION;
            case "assistant" -> ASSISTANT;
            default -> throw new IllegalArgumentException("unknown role \"" + from + "\"");
        };
    }

    /** {@code tool-llama-single-round}: "Role: value" + ("</s>" after the last message, else "\n"). */
    public static String renderTraining(List<Turn> turns) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            sb.append(roleName(t.from())).append(": ").append(t.value()).append(i == turns.size() - 1 ? EOS : "\n");
        }
        return sb.toString();
    }

    /** The inference prompt: "Role: content\n" per message, then "Assistant:\n" (no space, unlike training). */
    public static String renderInference(List<Turn> history) {
        StringBuilder sb = new StringBuilder();
        for (Turn t : history) sb.append(roleName(t.from())).append(": ").append(t.value()).append('\n');
        return sb.append(INFERENCE_SUFFIX).toString();
    }
}
