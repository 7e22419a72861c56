package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tooltune.BadInputException;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.GrammarCache;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.ToolCallGrammar;
import io.tooltune.inference.Completion;

import java.util.List;
import java.util.function.Supplier;

/**
 * What a request's decoding is held to on the ReAct prompt path, as a grammar: tool_choice "required" makes the
 * reply a ReAct call of an offered tool with arguments valid for its parameters ({@link ToolCallGrammar#reactReply});
 * a named tool_choice, whose prompt already ends in "Action: NAME\nAction Input: ", makes the rest valid arguments
 * for that tool; response_format json_object any JSON object, json_schema a document valid for its schema (whether
 * or not {@code strict} is set: output is always enforced). A schema the matcher cannot handle is a 400 naming the
 * keyword, before any generation; response_format together with offered tools is refused (the ReAct format has no
 * place for a structured answer beside tool calls). With a chat template, forced calls are the template's own call
 * syntax instead ({@link TemplateToolChoice}). Grammars are cached per distinct request part, so repeated requests
 * share their cached masks.
 */
final class Constraints {
    static final int CACHED_GRAMMARS = 64;
    private static final GrammarCache CACHE = new GrammarCache(CACHED_GRAMMARS);

    private Constraints() {}

    /**
     * The grammar the completion of {@code req} rendered by {@code format} must match, or null for free decoding:
     * JSON output is the same text whatever the prompt; a forced tool call is written in the ReAct shape or, with a
     * chat template, in its own call syntax ({@link TemplateToolChoice}).
     */
    static Grammar grammar(ChatRequest req, PromptFormat format) {
        if (format == PromptFormat.REACT || req.responseFormat() != null) return grammar(req);
        return format instanceof TemplatePromptMapper template ? TemplateToolChoice.grammar(template.callFormat(), req) : null;
    }

    /** The grammar the completion must match on the ReAct prompt path (or for JSON output), or null for free decoding. */
    static Grammar grammar(ChatRequest req) {
        ChatRequest.ChoiceMode mode = req.toolChoice().mode();
        int ws = JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE;
        if (req.responseFormat() != null) {
            if (mode != ChatRequest.ChoiceMode.NONE) {
                throw ApiException.invalid("unsupported_parameter",
                        "response_format: JSON output together with tools is not supported; send tool_choice none or no tools");
            }
            JsonNode schema = req.responseFormat().path("json_schema").get("schema");
            if (schema == null || schema.isNull()) return cached("object", () -> JsonSchemaGrammar.anyObject(ws));
            return cached("schema " + schema, () -> JsonSchemaGrammar.compile(schema, "response_format.json_schema.schema", ws));
        }
        if (mode == ChatRequest.ChoiceMode.REQUIRED) {
            ArrayNode tools = JsonNodeFactory.instance.arrayNode();
            for (ChatRequest.Tool t : req.tools()) tools.add(ChatRequest.functionDict(t));
            return cached("required " + tools, () -> ToolCallGrammar.reactReply(ToolCallGrammar.functions(tools, "tools"),
                    "tools", ws));
        }
        if (mode == ChatRequest.ChoiceMode.NAMED) {
            ChatRequest.Tool t = req.tools().stream().filter(x -> x.name().equals(req.toolChoice().function()))
                    .findFirst().orElseThrow();
            return cached("arguments " + t.parameters(), () -> JsonSchemaGrammar.compile(t.parameters(),
                    "tools: function \"" + t.name() + "\" parameters", ws));
        }
        return null;
    }

    /**
     * The reply for a completion: for JSON output the text itself; for a forced tool choice the call, or, when the
     * token limit cut it before it was whole, empty content with finish_reason "length" (never the ReAct scaffolding
     * or the prefill); otherwise {@link ReplyMapper}'s mapping.
     */
    static AssistantReply reply(ChatRequest req, PromptMapper.Rendered rendered, Completion c) {
        String finish = c.hitMaxTokens() ? "length" : "stop";
        if (req.responseFormat() != null) return new AssistantReply(c.text(), List.of(), finish);
        AssistantReply mapped = ReplyMapper.map(rendered.prefill() + c.text(), rendered.callable(), c.hitMaxTokens());
        ChatRequest.ChoiceMode mode = req.toolChoice().mode();
        boolean forced = mode == ChatRequest.ChoiceMode.REQUIRED || mode == ChatRequest.ChoiceMode.NAMED;
        if (forced && !mapped.hasToolCalls()) return new AssistantReply("", List.of(), "length");
        return mapped;
    }

    /** The grammar cached under {@code key}, else {@code compile}'s; a schema it cannot handle is a 400. */
    static Grammar cached(String key, Supplier<Grammar> compile) {
        try {
            return CACHE.get(key, compile);
        } catch (BadInputException e) {
            throw ApiException.invalid("unsupported_schema", e.getMessage());
        }
    }
}
