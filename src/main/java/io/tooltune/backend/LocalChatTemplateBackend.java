package io.tooltune.backend;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.chat.ChatRequest;
import io.tooltune.chat.ChatTemplate;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.ParsedReply;
import io.tooltune.chat.TokenizerPrefix;
import io.tooltune.chat.ToolCall;
import io.tooltune.chat.ToolCallFormat;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.GrammarCache;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.TemplateCallGrammar;
import io.tooltune.generate.constrain.ToolCallGrammar;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.model.Device;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A local model speaking its own chat template, for the agent ({@code run --prompt-format chat-template}): the
 * history goes through the template in OpenAI's tools form (as the ChatGPT function-calling baseline sends it), the
 * query's functions (Finish included) as the tools, and the reply is parsed for the template's native tool calls.
 * The first call becomes the reply's function_call, as ToolBench reads one call per turn; text without a call is a
 * thought; a malformed call is an error step: a call of {@link #MALFORMED_CALL}, which names no function (an empty
 * name would not do: ToolBench's environment calls the first function whose name ends with the called one).
 *
 * <p>With {@link #constrainCalls} every reply is one call, in the template's own syntax, of an offered function
 * (Finish included) with arguments valid for its parameters: the call's fixed start is prefilled after the
 * generation prompt and decoding is held to the rest ({@link TemplateCallGrammar}); a reply cut by the token limit
 * is still an error step.
 */
public final class LocalChatTemplateBackend implements ChatBackend {
    /** The function name a malformed call is given; the environment answers "No such function name". */
    public static final String MALFORMED_CALL = "<malformed tool call>";

    private final InferenceWorker worker;
    private final GenerationConfig cfg;
    private final ChatTemplate template;
    private final ToolCallFormat format;
    private final TokenizerPrefix prefix;
    private final SplittableRandom ids = new SplittableRandom(0);
    private final GrammarCache grammars = new GrammarCache(LocalToolLlamaBackend.CACHED_GRAMMARS);
    private volatile boolean constrainCalls;

    /** Decodes on {@code worker}, which the backend closes; {@code prefix}: what its tokenizer prepends to prompts. */
    public LocalChatTemplateBackend(InferenceWorker worker, GenerationConfig cfg, ModelChatTemplates templates, TokenizerPrefix prefix) {
        this.template = templates.select(true);
        this.format = ToolCallFormat.detect(template.source()).orElseThrow(() -> new BadInputException(
                "the model's chat template teaches no tool-call format tooltune reads (Hermes/Qwen, Llama 3 JSON, Mistral)"));
        this.worker = worker;
        this.cfg = cfg;
        this.prefix = prefix;
    }

    /** Loads a model folder (bad input if it has no chat template); closing the backend frees it. */
    public static LocalChatTemplateBackend load(Path modelDir, Path adapter, GenerationConfig cfg, int batchSize, Device device,
                                                 Clock clock) {
        ModelChatTemplates templates = ModelChatTemplates.load(modelDir, clock);
        if (!templates.hasTemplate()) {
            throw new BadInputException(modelDir + ": --prompt-format chat-template needs a model with a chat template; this one has none");
        }
        LoadedModel loaded = ModelFolder.load(modelDir, device, adapter);
        try {
            return new LocalChatTemplateBackend(InferenceWorker.forModel(loaded, batchSize, LocalToolLlamaBackend.LINGER_MILLIS),
                    cfg, templates, TokenizerPrefix.of(loaded.tokenizer()));
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /** Holds every reply to one valid call of an offered function (see the class comment); off by default. */
    public LocalChatTemplateBackend constrainCalls(boolean on) {
        constrainCalls = on;
        return this;
    }

    /** The rendered prompt for an agent history (as the model sees it, before its tokenizer's own prefix is stripped). */
    public String prompt(List<ObjectNode> messages, ArrayNode functions) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.set("messages", AgentMessages.openAiMessages(messages, true));
        request.set("tools", AgentMessages.tools(functions));
        request.put("add_generation_prompt", true);
        return template.render(ChatRequest.fromJson(request, "agent history"));
    }

    @Override
    public Reply chat(List<ObjectNode> messages, ArrayNode functions) throws IOException {
        String prompt;
        try {
            prompt = prefix.strip(prompt(messages, functions));
        } catch (BadInputException e) {
            throw new IOException("the chat template cannot render the history: " + e.getMessage(), e);
        }
        boolean constrained = constrainCalls && functions != null && !functions.isEmpty();
        String prefill = constrained ? TemplateCallGrammar.prefill(format.layout(), null) : "";
        Grammar grammar = constrained ? grammar(functions) : null;
        Completion c = LocalToolLlamaBackend.await(worker.submit(new InferenceRequest(prompt + prefill, cfg, null, grammar)));
        String text = prefill + c.text();
        ParsedReply parsed;
        synchronized (ids) {
            parsed = format.parser(ids.split()).parse(text);
        }
        ObjectNode msg = Json.MAPPER.createObjectNode().put("role", "assistant");
        if (parsed.failed() || constrained && !parsed.hasToolCalls()) {
            msg.put("content", text);
            msg.putObject("function_call").put("name", MALFORMED_CALL).put("arguments", "{}");
        } else {
            if (parsed.content() != null) msg.put("content", parsed.content());
            if (parsed.hasToolCalls()) {
                ToolCall first = parsed.toolCalls().get(0);
                msg.putObject("function_call").put("name", first.name()).put("arguments", first.arguments());
            }
        }
        return new Reply(msg, 0, c.promptTokens() + c.completionTokens());
    }

    /** One call of any function in the list, compiled once per distinct list (a query's list is the same at every step). */
    private Grammar grammar(ArrayNode functions) {
        return grammars.get(functions.toString(), () -> TemplateCallGrammar.anyOf(ToolCallGrammar.functions(functions,
                "function list"), format.layout(), false, "function list", JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE));
    }

    public InferenceWorker.Stats stats() {
        return worker.stats();
    }

    /** Stops the worker (a call still decoding fails), then frees the model. */
    @Override
    public void close() {
        worker.close();
    }
}
