package io.tooltune.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tooltune.chat.ToolCallFormat;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.TemplateCallGrammar;
import io.tooltune.generate.constrain.ToolCallGrammar;

import java.util.Optional;

/**
 * tool_choice "required" and a named function on the chat-template path, in the template's own call syntax
 * ({@link TemplateCallGrammar}): the reply's fixed start is prefilled after the generation prompt, and decoding is
 * held to the rest: for "required" a call of any offered tool (several when the syntax allows parallel calls, as
 * OpenAI's default parallel_tool_calls does), for a named choice that tool's arguments. Either way a call of an
 * offered tool with schema-valid arguments and nothing else. A template that teaches no call syntax tooltune knows
 * cannot be forced: a 400, never a silently free reply.
 */
final class TemplateToolChoice {
    private TemplateToolChoice() {}

    /** Whether the request forces a call. */
    static boolean forced(ChatRequest req) {
        ChatRequest.ChoiceMode mode = req.toolChoice().mode();
        return mode == ChatRequest.ChoiceMode.REQUIRED || mode == ChatRequest.ChoiceMode.NAMED;
    }

    /** The text that ends the prompt and starts the reply ("" when no call is forced). */
    static String prefill(Optional<ToolCallFormat> format, ChatRequest req) {
        if (!forced(req)) return "";
        TemplateCallGrammar.Layout layout = layout(format);
        return TemplateCallGrammar.prefill(layout, req.toolChoice().mode() == ChatRequest.ChoiceMode.NAMED
                ? req.toolChoice().function() : null);
    }

    /** The grammar of the reply after {@link #prefill}, or null when no call is forced. */
    static Grammar grammar(Optional<ToolCallFormat> format, ChatRequest req) {
        if (!forced(req)) return null;
        TemplateCallGrammar.Layout layout = layout(format);
        int ws = JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE;
        ArrayNode tools = JsonNodeFactory.instance.arrayNode();
        for (ChatRequest.Tool t : req.tools()) {
            if (req.toolChoice().mode() == ChatRequest.ChoiceMode.REQUIRED || t.name().equals(req.toolChoice().function())) {
                tools.add(ChatRequest.functionDict(t));
            }
        }
        if (req.toolChoice().mode() == ChatRequest.ChoiceMode.NAMED) {
            return Constraints.cached("template named " + layout + tools, () -> TemplateCallGrammar.named(
                    ToolCallGrammar.functions(tools, "tools").get(0), layout, "tools", ws));
        }
        return Constraints.cached("template required " + layout + tools, () -> TemplateCallGrammar.anyOf(
                ToolCallGrammar.functions(tools, "tools"), layout, true, "tools", ws));
    }

    private static TemplateCallGrammar.Layout layout(Optional<ToolCallFormat> format) {
        return format.map(ToolCallFormat::layout).orElseThrow(() -> ApiException.invalid("unsupported_parameter",
                "tool_choice: the model's chat template teaches no tool-call syntax tooltune can force "
                        + "(Hermes/Qwen, Llama 3 JSON, Mistral); send tool_choice auto or none"));
    }
}
