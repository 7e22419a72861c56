package io.tooltune.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.chat.ChatTemplate;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.ParsedReply;
import io.tooltune.chat.TemplateRaisedException;
import io.tooltune.chat.ToolCall;
import io.tooltune.chat.ToolCallFormat;
import io.tooltune.chat.TokenizerPrefix;
import io.tooltune.inference.Completion;
import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * OpenAI requests through the model's own chat template, as chat servers apply it: the messages as OpenAI writes them
 * (developer as system, assistant {@code tool_calls}, tool results with their {@code tool_call_id} and the called
 * function's {@code name}), the tools as
 * OpenAI tool dicts, and {@code add_generation_prompt}. The reply is parsed for the tool calls the template teaches
 * ({@link ToolCallFormat}); calls of offered tools become OpenAI tool calls (several per turn too), anything else
 * (free text, a malformed call, an unknown function) is plain content. tool_choice none offers no tools, a named
 * choice offers only that tool; required and named calls are forced ({@link TemplateToolChoice}): the prompt ends
 * with the reply's prefilled start, and a forced reply that is no call (cut by the token limit) is empty content
 * with finish_reason "length", never the partial call.
 */
public final class TemplatePromptMapper implements PromptFormat {
    private final ChatTemplate plain;
    private final ChatTemplate withTools;
    private final Optional<ToolCallFormat> callFormat;
    private final TokenizerPrefix tokenizerPrefix;

    /** @param tokenizerPrefix what the backend's tokenizer puts before every prompt, stripped from renders */
    public TemplatePromptMapper(ModelChatTemplates templates, TokenizerPrefix tokenizerPrefix) {
        this.plain = templates.select(false);
        this.withTools = templates.select(true);
        this.callFormat = ToolCallFormat.detect(withTools.source());
        this.tokenizerPrefix = tokenizerPrefix;
    }

    /** The model's chat template when it has one, else {@link PromptFormat#REACT}. */
    public static PromptFormat forModel(ModelChatTemplates templates, Tokenizer tokenizer) {
        return templates.hasTemplate() ? new TemplatePromptMapper(templates, TokenizerPrefix.of(tokenizer)) : REACT;
    }

    public Optional<ToolCallFormat> callFormat() {
        return callFormat;
    }

    @Override
    public PromptMapper.Rendered render(ChatRequest req) {
        ChatRequest.ToolChoice choice = req.toolChoice();
        List<ChatRequest.Tool> offered = switch (choice.mode()) {
            case NONE -> List.of();
            case NAMED -> req.tools().stream().filter(t -> t.name().equals(choice.function())).toList();
            case AUTO, REQUIRED -> req.tools();
        };
        ObjectNode input = Json.MAPPER.createObjectNode();
        ArrayNode messages = input.putArray("messages");
        Map<String, String> calledNames = new HashMap<>();
        for (ChatRequest.Message m : req.messages()) {
            m.toolCalls().forEach(c -> calledNames.put(c.id(), c.name()));
            messages.add(message(m, calledNames));
        }
        if (!offered.isEmpty()) {
            ArrayNode tools = input.putArray("tools");
            for (ChatRequest.Tool t : offered) tools.addObject().put("type", "function").set("function", ChatRequest.functionDict(t));
        }
        input.put("add_generation_prompt", true);
        String prompt;
        try {
            io.tooltune.chat.ChatRequest request = io.tooltune.chat.ChatRequest.fromJson(input, "request");
            prompt = (offered.isEmpty() ? plain : withTools).render(request);
        } catch (TemplateRaisedException e) {
            throw ApiException.invalid("invalid_request", "the model's chat template refused the conversation: " + e.getMessage());
        } catch (BadInputException e) {
            throw ApiException.invalid("invalid_value", e.getMessage());
        }
        prompt = tokenizerPrefix.strip(prompt);
        Set<String> callable = new LinkedHashSet<>();
        offered.forEach(t -> callable.add(t.name()));
        String prefill = TemplateToolChoice.prefill(callFormat, req);
        return new PromptMapper.Rendered(prompt + prefill, prefill, callable);
    }

    /** A message as OpenAI writes it; a tool result also gets the called function's {@code name} (Hermes needs it). */
    private static ObjectNode message(ChatRequest.Message m, Map<String, String> calledNames) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("role", m.role().equals("developer") ? "system" : m.role());
        o.put("content", m.content() == null && m.toolCalls().isEmpty() ? "" : m.content());
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = o.putArray("tool_calls");
            for (ChatRequest.ToolCall c : m.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (m.toolCallId() != null) {
            o.put("tool_call_id", m.toolCallId());
            String name = calledNames.get(m.toolCallId());
            if (name != null) o.put("name", name);
        }
        return o;
    }

    @Override
    public AssistantReply reply(PromptMapper.Rendered rendered, Completion c) {
        String text = rendered.prefill() + c.text();
        String plainFinish = c.hitMaxTokens() ? "length" : "stop";
        if (callFormat.isEmpty() || rendered.callable().isEmpty()) return new AssistantReply(text.strip(), List.of(), plainFinish);
        ParsedReply parsed = callFormat.get().parser(new SplittableRandom()).parse(text);
        if (!parsed.hasToolCalls() || parsed.toolCalls().stream().anyMatch(t -> !rendered.callable().contains(t.name()))) {
            if (!rendered.prefill().isEmpty()) return new AssistantReply("", List.of(), "length");
            return new AssistantReply(text.strip(), List.of(), plainFinish);
        }
        List<ChatRequest.ToolCall> calls = new ArrayList<>();
        for (ToolCall t : parsed.toolCalls()) calls.add(new ChatRequest.ToolCall(t.id(), t.name(), t.arguments()));
        return new AssistantReply(null, calls, "tool_calls");
    }
}
