package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** ToolBench's prompt strings (protocol, reproduced exactly) and the "Role: content\n" rendering. */
final class ToolLlamaFormat {
    private ToolLlamaFormat() {}

    static final String SYSTEM = """
            You are AutoGPT, you can use many tools(functions) to do the following task.
            First I will give you the task description, and your task start.
            At each step, you need to give your thought to analyze the status now and what to do next, with a function call to actually excute your step. Your output should follow this format:
            Thought:
            Action
            Action Input:

            After the call, you will get the call result, and you are now in a new state.
            Then you will analyze your status now, then decide what to do next...
            After many (Thought-call) pairs, you finally perform the task, then you can give your finial answer.
            Remember:\s\n\
            1.the state change is irreversible, you can't go back to one of the former state, if you want to restart the task, say "I give up and restart".
            2.All the thought is short, at most in 5 sentence.
            3.You can do more then one trys, so if your plan is to continusly try some conditions, you can do one of the conditions per try.
            Let's Begin!
            Task description:\s""";

    static final String FINISH_DESCRIPTION = "If you believe that you have obtained a result that can answer the task, please call this function to provide the final answer. Alternatively, if you recognize that you are unable to proceed with the task in the current state, call this function to restart. Remember: you must ALWAYS call this function at the end of your attempt, and the only part that will be shown to the user is the final answer, so it should contain sufficient information.";

    static String taskDescription(List<ChatRequest.Tool> tools) {
        StringBuilder sb = new StringBuilder("""
                You should use functions to help handle the real time user querys. Remember:
                1.ALWAYS call "Finish" function at the end of the task. And the final answer should contain enough information to show to the user,If you can't handle the task, or you find that function calls always fail(the function is not valid now), use function Finish->give_up_and_restart.
                2.Do not use origin tool names, use only subfunctions' names.
                You have access of the following tools:
                """);
        for (int i = 0; i < tools.size(); i++) {
            String d = tools.get(i).description().replace("\n", "").strip();
            if (d.length() > 512) d = d.substring(0, 512);
            sb.append(i + 1).append('.').append(tools.get(i).name()).append(": ").append(d.isEmpty() ? "None" : d).append('\n');
        }
        return sb.toString();
    }

    static String systemPrompt(String taskDescription, List<ObjectNode> functions) {
        return SYSTEM + taskDescription + "\nSpecifically, you have access to the following APIs: " + pythonRepr(PromptMapper.array(functions));
    }

    static ObjectNode finishFunction() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode fn = f.objectNode().put("name", "Finish").put("description", FINISH_DESCRIPTION);
        ObjectNode params = fn.putObject("parameters").put("type", "object");
        ObjectNode props = params.putObject("properties");
        ObjectNode rt = props.putObject("return_type").put("type", "string");
        rt.putArray("enum").add("give_answer").add("give_up_and_restart");
        props.putObject("final_answer").put("type", "string")
                .put("description", "The final answer you want to give the user. You should have this field if \"return_type\"==\"give_answer\"");
        params.putArray("required").add("return_type");
        return fn;
    }

    static String userMessage(String query) {
        return "\n" + query + "\nBegin!\n";
    }

    static String actionTurn(String thought, String name, String arguments) {
        return "\nThought: " + thought + "\nAction: " + name + "\nAction Input: " + arguments;
    }

    static String finishTurn(String answer) {
        return actionTurn("", "Finish", "{\n  \"return_type\": \"give_answer\",\n  \"final_answer\": " + pyJsonString(answer) + "\n}");
    }

    static String observation(String content) {
        return "{\"error\": \"\", \"response\": " + pyJsonString(content) + "}";
    }

    static String conversation(List<String[]> turns) {
        StringBuilder sb = new StringBuilder();
        for (String[] t : turns) sb.append(t[0]).append(": ").append(t[1]).append('\n');
        return sb.append("Assistant:\n").toString();
    }

    /** A string as Python's json.dumps writes it (ensure_ascii). */
    static String pyJsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** JSON as Python's repr of the parsed value (dict/list/str/int/float/bool/None). */
    static String pythonRepr(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        repr(n, sb);
        return sb.toString();
    }

    private static void repr(JsonNode n, StringBuilder sb) {
        if (n.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) sb.append(", ");
                first = false;
                reprString(e.getKey(), sb);
                sb.append(": ");
                repr(e.getValue(), sb);
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) sb.append(", ");
                repr(n.get(i), sb);
            }
            sb.append(']');
        } else if (n.isTextual()) {
            reprString(n.asText(), sb);
        } else if (n.isBoolean()) {
            sb.append(n.asBoolean() ? "True" : "False");
        } else if (n.isNull()) {
            sb.append("None");
        } else {
            sb.append(n.asText());
        }
    }

    private static void reprString(String s, StringBuilder sb) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        for (char c : s.toCharArray()) {
            if (c == q || c == '\\') sb.append('\\').append(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        sb.append(q);
    }
}
