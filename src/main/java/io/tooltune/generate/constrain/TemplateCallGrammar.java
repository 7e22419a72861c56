package io.tooltune.generate.constrain;

import io.tooltune.BadInputException;

import java.util.List;

/**
 * Forced tool calls in a chat template's own call syntax: fixed text around each call's name and arguments
 * ({@link Layout}), one of the offered functions by name, and each function's arguments held to its parameters by
 * {@link JsonSchemaGrammar}. The fixed start of the reply is not generated but prefilled: it ends the prompt (so a
 * marker such as {@code <tool_call>} or {@code [TOOL_CALLS]} is encoded by the tokenizer as the single added token
 * the model knows, special or not), and the grammar covers the rest of the reply.
 */
public final class TemplateCallGrammar {
    private TemplateCallGrammar() {}

    /**
     * A template's call syntax: the calls of one reply are {@code open + call (separator call)* + close}, each call
     * {@code callStart + name + nameEnd + arguments + callEnd}, the name JSON-escaped without its quotes;
     * {@code separator} null: one call per reply.
     */
    public record Layout(String open, String callStart, String nameEnd, String callEnd, String separator, String close) {
        public boolean allowsSeveral() {
            return separator != null;
        }
    }

    /**
     * The prefilled start of a forced reply: up to the first function name ({@code named} null, for
     * {@link #anyOf}), or up to the arguments of {@code named} (for {@link #named}).
     */
    public static String prefill(Layout layout, String named) {
        return layout.open() + layout.callStart() + (named == null ? "" : jsonEscaped(named) + layout.nameEnd());
    }

    /** The rest of a reply after {@code prefill(layout, null)}: a call of any of {@code functions}, or several in a
     * row when {@code several} and the layout allows it. */
    public static Grammar anyOf(List<ToolCallGrammar.Function> functions, Layout layout, boolean several, String where,
                               int maxWhitespace) {
        if (functions.isEmpty()) throw new BadInputException(where + ": no functions offered");
        JsonRules json = new JsonRules(maxWhitespace);
        Rule call = new Rule("named call");
        for (ToolCallGrammar.Function f : functions) {
            call.alt(jsonEscaped(f.name()), layout.nameEnd(), ToolCallGrammar.arguments(json, f, where), layout.callEnd());
        }
        Rule reply = new Rule("calls");
        if (several && layout.allowsSeveral()) {
            Rule more = new Rule("more calls");
            more.alt().alt(layout.separator(), layout.callStart(), call, more);
            reply.alt(call, more, layout.close());
        } else {
            reply.alt(call, layout.close());
        }
        return new Grammar(reply);
    }

    /** The rest of a reply after {@code prefill(layout, f.name())}: valid arguments for {@code f}, then the call's end. */
    public static Grammar named(ToolCallGrammar.Function f, Layout layout, String where, int maxWhitespace) {
        Rule rest = new Rule("arguments of " + f.name())
                .alt(ToolCallGrammar.arguments(new JsonRules(maxWhitespace), f, where), layout.callEnd(), layout.close());
        return new Grammar(rest);
    }

    /** A name as it stands between the quotes of a JSON string. */
    private static String jsonEscaped(String name) {
        String quoted = JsonRules.quoted(name);
        return quoted.substring(1, quoted.length() - 1);
    }
}
