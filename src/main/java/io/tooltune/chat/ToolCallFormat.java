package io.tooltune.chat;

import io.tooltune.BadInputException;
import io.tooltune.generate.constrain.TemplateCallGrammar.Layout;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** The native tool-call formats chat templates teach, each with its parser. */
public enum ToolCallFormat {
    /** Hermes 2 Pro / Qwen2.5 / Qwen3: {@code <tool_call>{...}</tool_call>}. */
    HERMES("hermes", HermesToolCallParser::new, "call_", 24, new Layout("", HermesToolCallParser.OPEN + "\n{\"name\": \"",
            "\", \"arguments\": ", "}\n" + HermesToolCallParser.CLOSE, "\n", "")),
    /** Llama 3.1-3.3: a bare JSON object with {@code "parameters"}, optionally after {@code <|python_tag|>}. */
    LLAMA3_JSON("llama3_json", Llama3ToolCallParser::new, "call_", 24, new Layout("", "{\"name\": \"",
            "\", \"parameters\": ", "}", null, "")),
    /** Mistral: {@code [TOOL_CALLS]} then the calls; its templates require 9-character alphanumeric call ids. */
    MISTRAL("mistral", MistralToolCallParser::new, "", 9, new Layout(MistralToolCallParser.TOOL_CALLS + " [",
            "{\"name\": \"", "\", \"arguments\": ", "}", ", ", "]"));

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final String cliName;
    private final Function<Supplier<String>, ToolCallParser> parser;
    private final String idPrefix;
    private final int idLength;
    private final Layout layout;

    ToolCallFormat(String cliName, Function<Supplier<String>, ToolCallParser> parser, String idPrefix, int idLength,
                   Layout layout) {
        this.cliName = cliName;
        this.parser = parser;
        this.idPrefix = idPrefix;
        this.idLength = idLength;
        this.layout = layout;
    }

    /**
     * How a reply's calls are written, for forcing them, as the templates render assistant calls and teach them in
     * their system prompts: Hermes/Qwen one {@code <tool_call>} block per call, name first, a newline between blocks
     * (Qwen2.5/Qwen3 renders; the Hermes system prompt's example); Llama 3 one bare JSON object without
     * {@code <|python_tag|>}, which its templates keep for built-in tools, and one call per turn, as they allow;
     * Mistral v0.3 one list after the token, calls joined by ", ".
     */
    public Layout layout() {
        return layout;
    }

    public String cliName() {
        return cliName;
    }

    /** A parser whose call ids are drawn from {@code random} (inject a seeded one for reproducible ids). */
    public ToolCallParser parser(RandomGenerator random) {
        return parser.apply(() -> {
            StringBuilder id = new StringBuilder(idPrefix);
            for (int i = 0; i < idLength; i++) id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
            return id.toString();
        });
    }

    /** The format a template teaches, from the markers in its source; empty if it teaches none of them. */
    public static Optional<ToolCallFormat> detect(String templateSource) {
        if (templateSource.contains(HermesToolCallParser.OPEN)) return Optional.of(HERMES);
        if (templateSource.contains(MistralToolCallParser.TOOL_CALLS)) return Optional.of(MISTRAL);
        if (templateSource.contains(Llama3ToolCallParser.PYTHON_TAG)
                || templateSource.contains("\"parameters\": ") && templateSource.contains("ipython")) {
            return Optional.of(LLAMA3_JSON);
        }
        return Optional.empty();
    }

    /** The format named on the command line ({@code hermes}, {@code llama3_json}, {@code mistral}). */
    public static ToolCallFormat named(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new BadInputException("unknown tool-call format \"" + name + "\"; known: "
                        + String.join(", ", Arrays.stream(values()).map(ToolCallFormat::cliName).toList())));
    }
}
