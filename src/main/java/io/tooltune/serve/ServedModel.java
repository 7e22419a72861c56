package io.tooltune.serve;

import io.tooltune.generate.constrain.Grammar;
import io.tooltune.inference.Completion;

import java.util.List;

/**
 * The loaded model and how it is prompted: the chat path every endpoint shares, from a validated request to the
 * backend's job (prompt rendered, grammar chosen, context checked) and from its completion back to a reply.
 */
record ServedModel(ModelBackend backend, PromptFormat format) {
    static final int DEFAULT_MAX_TOKENS = 512;

    /** A chat request ready for the backend. */
    record ChatPlan(ChatRequest request, PromptMapper.Rendered rendered, ModelBackend.Job job) {}

    void checkModel(String model) {
        if (!model.equals(backend.modelId())) {
            throw new ApiException(404, "invalid_request_error", "model_not_found", "The model '" + model
                    + "' does not exist; this server serves '" + backend.modelId() + "'");
        }
    }

    ChatPlan plan(ChatRequest req) {
        checkModel(req.model());
        req.checkLogitBias(backend.vocabularySize());
        Grammar grammar = Constraints.grammar(req, format);
        PromptMapper.Rendered rendered = format.render(req);
        // stop strings apply to the visible reply (AssistantReply.stoppedAt); in ReAct text they would cut the scaffolding
        List<String> generatorStops = format == PromptFormat.REACT ? List.of() : req.stop();
        ModelBackend.Scoring scoring = new ModelBackend.Scoring(req.presencePenalty(), req.frequencyPenalty(),
                req.logitBias(), req.topLogprobs() == null ? ModelBackend.Scoring.NONE.topLogprobs() : req.topLogprobs());
        ModelBackend.Job job = job(rendered.prompt(), req.messages().size(), req.maxTokens(), req.temperature(),
                req.topP(), req.seed(), generatorStops, grammar).withScoring(scoring);
        return new ChatPlan(req, rendered, job);
    }

    /**
     * JSON output and the ReAct prompt's forced calls through {@link Constraints}, otherwise the prompt format's
     * mapping; each call's arguments as a stream writes them ({@link ReplyStream#withArgumentsAsWritten}); then the
     * request's stop strings cut the visible text.
     */
    AssistantReply reply(ChatPlan plan, Completion c) {
        ChatRequest req = plan.request();
        AssistantReply mapped = format == PromptFormat.REACT || req.responseFormat() != null
                ? Constraints.reply(req, plan.rendered(), c) : format.reply(plan.rendered(), c);
        mapped = ReplyStream.of(format, req, plan.rendered()).withArgumentsAsWritten(mapped, c);
        return mapped.stoppedAt(req.stop());
    }

    /**
     * A job for a raw prompt, refused before any work when it cannot fit the context; without max_tokens the
     * completion may fill the context up to {@link #DEFAULT_MAX_TOKENS}. The prompt is tokenized once: the ids that
     * were counted go with the job.
     */
    ModelBackend.Job job(String prompt, int messages, Integer maxTokens, Double temperature, Double topP, Long seed,
                         List<String> stop, Grammar grammar) {
        int context = backend.contextLength();
        RequestLimits.checkCheapBounds(messages, prompt.length(), context);
        long[] ids = backend.tokenize(prompt).orElse(null);
        int promptTokens = ids != null ? ids.length : backend.countTokens(prompt);
        if (promptTokens >= context) {
            throw ApiException.invalid("context_length_exceeded", "This model's maximum context length is " + context
                    + " tokens; the prompt has " + promptTokens);
        }
        int max;
        if (maxTokens != null) {
            max = maxTokens;
            if (promptTokens + max > context) {
                throw ApiException.invalid("context_length_exceeded", "This model's maximum context length is " + context
                        + " tokens; the prompt has " + promptTokens + " and max_tokens asks for " + max);
            }
        } else {
            max = Math.min(DEFAULT_MAX_TOKENS, context - promptTokens);
        }
        return new ModelBackend.Job(prompt, max, temperature == null ? 1.0 : temperature, topP == null ? 1.0 : topP,
                seed, stop, grammar).withPromptIds(ids);
    }
}
