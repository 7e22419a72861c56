package io.tooltune.generate.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "One call to one of these offered functions, with arguments valid for its parameters", in the two layouts the
 * project writes calls in: OpenAI-style JSON {@code {"name": "f", "arguments": {...}}}, and ToolLLaMA's ReAct text
 * {@code Thought: ...\nAction: f\nAction Input: {...}} as the agent's ReactParser reads it. Both are
 * made of the same pieces: the function names as literals and each function's parameters compiled by
 * {@link JsonSchemaGrammar}.
 */
public final class ToolCallGrammar {
    /** The ReAct markers; a Thought may contain neither, or ReactParser would cut it there. */
    static final String ACTION = "\nAction: ", ACTION_INPUT = "\nAction Input: ";

    /** An offered function: its name and its parameters' JSON schema (null: no parameters, arguments {@code {}}). */
    public record Function(String name, JsonNode parameters) {}

    private ToolCallGrammar() {}

    /**
     * The functions of an OpenAI {@code tools} array ({@code {"type": "function", "function": {...}}}) or of a bare
     * list of function dicts ({@code {"name", "description", "parameters"}}, as ToolBench writes them).
     */
    public static List<Function> functions(JsonNode list, String where) {
        if (list == null || !list.isArray() || list.isEmpty()) throw new BadInputException(where + ": no functions offered");
        Map<String, Function> byName = new LinkedHashMap<>();
        for (JsonNode f : list) {
            JsonNode fn = f.has("function") ? f.get("function") : f;
            JsonNode name = fn.get("name");
            if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
                throw new BadInputException(where + ": a function without a name");
            }
            if (byName.put(name.textValue(), new Function(name.textValue(), fn.get("parameters"))) != null) {
                throw new BadInputException(where + ": function \"" + name.textValue() + "\" is offered twice");
            }
        }
        return List.copyOf(byName.values());
    }

    /** {@code {"name": "<one of the names>", "arguments": <valid arguments>}}, name first. */
    public static Grammar openAi(List<Function> functions, String where, int maxWhitespace) {
        JsonRules json = new JsonRules(maxWhitespace);
        Rule call = new Rule("call");
        for (Function f : functions) {
            call.alt(json.object(List.of(
                    new JsonRules.Member("name", JsonRules.literal(JsonRules.quoted(f.name())), true),
                    new JsonRules.Member("arguments", arguments(json, f, where), true)), null, "call " + f.name()));
        }
        return new Grammar(call);
    }

    /**
     * What follows {@code "Action: "} in a ReAct reply: a name, {@code "\nAction Input: "} and valid arguments
     * (used when the prompt already ends with "Action: ", as a forced tool choice does).
     */
    public static Grammar reactAction(List<Function> functions, String where, int maxWhitespace) {
        return new Grammar(actionRule(new JsonRules(maxWhitespace), functions, where));
    }

    /**
     * A whole ReAct reply: an optional newline, {@code "Thought: "}, a thought (any text without "Action: " or
     * "Action Input: " in it, newlines allowed), {@code "\nAction: "} and {@link #reactAction}'s text.
     */
    public static Grammar reactReply(List<Function> functions, String where, int maxWhitespace) {
        Rule action = actionRule(new JsonRules(maxWhitespace), functions, where);
        Rule thought = TextRules.avoiding(Set.of(ACTION.substring(1), ACTION_INPUT.substring(1)));
        Rule reply = new Rule("react").alt("Thought: ", thought, ACTION, action)
                .alt("\nThought: ", thought, ACTION, action);
        return new Grammar(reply);
    }

    private static Rule actionRule(JsonRules json, List<Function> functions, String where) {
        Rule action = new Rule("action");
        for (Function f : functions) {
            if (f.name().contains("\n")) throw new BadInputException(where + ": function name with a newline: " + f.name());
            action.alt(f.name(), ACTION_INPUT, arguments(json, f, where));
        }
        return action;
    }

    static Rule arguments(JsonRules json, Function f, String where) {
        String at = where + ": function \"" + f.name() + "\" parameters";
        if (f.parameters() == null || f.parameters().isNull()) return json.object(List.of(), null, "no arguments");
        return JsonSchemaGrammar.rule(json, f.parameters(), at);
    }
}
