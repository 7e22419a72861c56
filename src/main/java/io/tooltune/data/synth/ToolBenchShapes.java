package io.tooltune.data.synth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** Function schemas (spec §3.2), the data-collection Finish function and system prompt (§3.3) for raw answers. */
final class ToolBenchShapes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String SYSTEM = """
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
            Task description:\s""";
    private static final String TASK = """
            You should use functions to help handle the real time user querys. Remember:
            1.ALWAYS call "Finish" function at the end of the task. And the final answer should contain enough information to show to the user,If you can't handle the task, or you find that function calls always fail(the function is not valid now), use function Finish->give_up_and_restart.
            2.Do not use origin tool names, use only subfunctions' names.
            You have access of the following tools:
            """;
    private static final String FINISH_COLLECTION = "If you think you get the result which can answer the task, call "
            + "this function to give the final answer. Or, if you think you can't handle the task from this status, call "
            + "this function to restart. Remember: you should ALWAYS call this function at the end of your try, and the "
            + "final answer is the ONLY part that will be showed to user, so final answer should contain enough "
            + "information.";

    private ToolBenchShapes() {}

    static ObjectNode function(SynthTool t, SynthApi a) {
        String std = SynthNames.standardize(t.name());
        String name = SynthNames.function(t.name(), a.name());
        ObjectNode f = F.objectNode();
        f.put("name", name);
        String desc = "This is the subfunction for tool \"" + std + "\", you can use this tool.";
        if (!a.description().strip().isEmpty()) {
            String d = a.description().strip().replace(a.name(), name);
            desc += "The description of this function is: \"" + d.substring(0, Math.min(256, d.length())) + "\"";
        }
        f.put("description", desc);
        ObjectNode params = f.putObject("parameters");
        params.put("type", "object");
        ObjectNode props = params.putObject("properties");
        var req = params.putArray("required");
        var opt = params.putArray("optional");
        if (!a.required().isEmpty()) {
            for (SynthParam p : a.required()) {
                props.set(SynthNames.argument(p.name()), property(p));
                req.add(SynthNames.argument(p.name()));
            }
            for (SynthParam p : a.optional()) {
                props.set(SynthNames.argument(p.name()), property(p));
                opt.add(SynthNames.argument(p.name()));
            }
        }
        return f;
    }

    private static ObjectNode property(SynthParam p) {
        ObjectNode o = F.objectNode();
        o.put("type", switch (p.type()) {
            case "NUMBER" -> "integer";
            case "BOOLEAN" -> "boolean";
            default -> "string";
        });
        o.put("description", p.description().substring(0, Math.min(256, p.description().length())));
        if (!p.defaultValue().isEmpty()) {
            o.put("example_value", p.defaultValue());
        }
        return o;
    }

    static ObjectNode finishCollection() {
        ObjectNode f = F.objectNode();
        f.put("name", "Finish");
        f.put("description", FINISH_COLLECTION);
        ObjectNode params = f.putObject("parameters");
        params.put("type", "object");
        ObjectNode props = params.putObject("properties");
        ObjectNode rt = props.putObject("return_type");
        rt.put("type", "string");
        rt.putArray("enum").add("give_answer").add("give_up_and_restart");
        ObjectNode fa = props.putObject("final_answer");
        fa.put("type", "string");
        fa.put("description", "The final answer you want to give the user. You should have this field if "
                + "\"return_type\"==\"give_answer\"");
        params.putArray("required").add("return_type");
        return f;
    }

    static String toolDescription(SynthTool t) {
        String d = t.description().substring(0, Math.min(512, t.description().length())).replace("\n", "").strip();
        return d.isEmpty() ? "None" : d;
    }

    /** The system message of a raw answer; {@code toolLines} are "standard_name: description" in order. */
    static String systemPrompt(List<String> toolLines) {
        StringBuilder b = new StringBuilder(SYSTEM).append(TASK);
        for (int i = 0; i < toolLines.size(); i++) {
            b.append(i + 1).append('.').append(toolLines.get(i)).append('\n');
        }
        return b.toString();
    }
}
