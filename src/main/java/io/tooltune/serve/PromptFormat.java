package io.tooltune.serve;

import io.tooltune.inference.Completion;

/**
 * How the server talks to a model: renders an OpenAI request into the prompt to complete, and maps the completion
 * back onto OpenAI's reply shape. Chosen once per model: {@link #REACT} (ToolLLaMA's ReAct prompt, for models
 * without a chat template) or a {@link TemplatePromptMapper} (the model's own chat template and native tool calls).
 */
public interface PromptFormat {

    PromptMapper.Rendered render(ChatRequest request);

    AssistantReply reply(PromptMapper.Rendered rendered, Completion completion);

    /** ToolLLaMA's ReAct prompt ({@link PromptMapper}) and its replies ({@link ReplyMapper}). */
    PromptFormat REACT = new PromptFormat() {
        @Override
        public PromptMapper.Rendered render(ChatRequest request) {
            return PromptMapper.render(request);
        }

        @Override
        public AssistantReply reply(PromptMapper.Rendered rendered, Completion c) {
            return ReplyMapper.map(rendered.prefill() + c.text(), rendered.callable(), c.hitMaxTokens());
        }
    };
}
