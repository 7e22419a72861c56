package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.ReactParser;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.Turn;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.GrammarCache;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.ToolCallGrammar;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.model.Device;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntSupplier;

/**
 * A ToolLLaMA-style model in process, for the agent. Each call renders the history as ToolLLaMA's inference prompt
 * (system message with the ReAct hint and the Python-repr function list, "Role: content\n" lines, diversity prompts
 * included as ToolLLaMA keeps them, then "Assistant:\n"), and parses the completion with {@link ReactParser} (as
 * StableToolBench, the assistant content is the whole raw completion). Concurrent query threads' calls meet in the
 * {@link InferenceWorker}, which batches them continuously: a call joins the running batch at the next step.
 */
public final class LocalToolLlamaBackend implements ChatBackend {
    /** How long a static-batching worker waits for more concurrent calls before running a partial batch. */
    public static final long LINGER_MILLIS = 20;

    /** Grammars kept, one per distinct function list (a query's list is the same at every step). */
    static final int CACHED_GRAMMARS = 64;

    /** What decoding is held to: nothing (ToolBench), the Action's function name, or the whole call. */
    public enum Constraint { NONE, FUNCTION_NAMES, CALLS }

    private final InferenceWorker worker;
    private final GenerationConfig cfg;
    private Constraint constraint = Constraint.NONE;
    private final GrammarCache grammars = new GrammarCache(CACHED_GRAMMARS);
    private boolean lockstep;
    private IntSupplier callers;

    /** Loads a model folder; closing the backend frees it. */
    public static LocalToolLlamaBackend load(Path modelDir, GenerationConfig cfg, int batchSize, Device device) {
        return new LocalToolLlamaBackend(ModelFolder.load(modelDir, device), cfg, batchSize);
    }

    /** Generates with {@code cfg} (ToolLLaMA: {@link GenerationConfig#toolLlama()}); closing the backend closes {@code loaded}. */
    public LocalToolLlamaBackend(LoadedModel loaded, GenerationConfig cfg, int batchSize) {
        this(InferenceWorker.forModel(loaded, batchSize, LINGER_MILLIS), cfg);
    }

    /** Decodes on {@code worker}, which the backend closes. */
    public LocalToolLlamaBackend(InferenceWorker worker, GenerationConfig cfg) {
        this.worker = worker;
        this.cfg = cfg;
    }

    /**
     * Format-safe decoding (off by default, as ToolBench): after "Action:" the model may only write an offered
     * function's name; see {@link io.tooltune.generate.FunctionNameConstraint}.
     */
    public LocalToolLlamaBackend constrainFunctionNames(boolean on) {
        return constrain(on ? Constraint.FUNCTION_NAMES : Constraint.NONE);
    }

    /**
     * {@link Constraint#CALLS}: every reply is "Thought: ...\nAction: f\nAction Input: {...}" with f an offered
     * function (Finish included) and the input valid JSON for f's parameters ({@link ToolCallGrammar#reactReply}); a
     * function list whose schemas the matcher cannot handle fails the call with the keyword named.
     */
    public LocalToolLlamaBackend constrain(Constraint c) {
        constraint = c;
        return this;
    }

    /**
     * Deterministic batches (off by default): the worker waits until every query thread the agent announced
     * ({@link #expectCallers}) has a call pending and runs them ordered by prompt; see {@link InferenceWorker#lockstep}.
     */
    public synchronized LocalToolLlamaBackend lockstep(boolean on) {
        lockstep = on;
        worker.lockstep(on ? callers : null);
        return this;
    }

    @Override
    public synchronized void expectCallers(IntSupplier callers) {
        this.callers = callers;
        if (lockstep) worker.lockstep(callers);
    }

    public InferenceWorker.Stats stats() {
        return worker.stats();
    }

    /** The ToolLLaMA inference prompt for an agent history. */
    public static String prompt(List<ObjectNode> messages, JsonNode functions) {
        List<Turn> turns = new ArrayList<>();
        for (ObjectNode m : messages) {
            String role = m.path("role").asText();
            JsonNode c = m.get("content");
            String content = c == null || c.isNull() ? "" : c.asText();
            if (role.equals("system")) content = ToolLlamaPrompt.processSystemMessage(content, functions);
            turns.add(new Turn(role, content));
        }
        return ToolLlamaPrompt.renderInference(turns);
    }

    @Override
    public Reply chat(List<ObjectNode> messages, ArrayNode functions) throws IOException {
        List<String> names = null;
        if (constraint == Constraint.FUNCTION_NAMES && functions != null) {
            names = new ArrayList<>();
            for (JsonNode f : functions) names.add(f.path("name").asText());
        }
        Grammar grammar = constraint == Constraint.CALLS && functions != null ? grammar(functions) : null;
        Completion c = await(worker.submit(new InferenceRequest(prompt(messages, functions), cfg, names, grammar)));
        ReactParser.Parsed parsed = ReactParser.parse(c.text());
        ObjectNode msg = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", c.text());
        msg.putObject("function_call").put("name", parsed.action()).put("arguments", parsed.actionInput());
        return new Reply(msg, 0, c.promptTokens() + c.completionTokens());
    }

    /** The completion; an interrupt cancels it, a failure is an IOException (a failed call for the agent). */
    static Completion await(CompletableFuture<Completion> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("generation failed: " + e.getCause(), e.getCause());
        }
    }

    /** The ReAct reply grammar for a function list, compiled once per distinct list. */
    private Grammar grammar(ArrayNode functions) {
        return grammars.get(functions.toString(), () -> ToolCallGrammar.reactReply(
                ToolCallGrammar.functions(functions, "function list"), "function list", JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE));
    }

    /** Stops the worker (a call still decoding fails), then frees the model. */
    @Override
    public void close() {
        worker.close();
    }
}
