package io.tooltune.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import io.tooltune.BadInputException;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A model's chat template, rendered as transformers' {@code apply_chat_template(tokenize=False)} renders it:
 * {@code template.render(messages, tools, documents=None, add_generation_prompt, **special_tokens, **kwargs)}.
 */
public final class ChatTemplate {
    private final String source;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;
    private final Node tree;

    /**
     * @param specialTokens the tokenizer's special tokens map ({@code bos_token}, {@code eos_token}, ...,
     *                      {@code additional_special_tokens})
     * @param clock         what {@code strftime_now} reads (the template's "today")
     */
    public ChatTemplate(String source, Map<String, Object> specialTokens, Clock clock) {
        this.source = source;
        this.specialTokens = Map.copyOf(specialTokens);
        this.jinjava = TemplateEnvironment.create(clock);
        this.tree = parse(TemplateSource.forJinjava(source));
    }

    /** Parsed once; a template Jinjava cannot read is bad input. */
    private Node parse(String prepared) {
        return checked(jinjava.newInterpreter(), interpreter -> interpreter.parse(prepared));
    }

    /** {@code work} with {@code interpreter} as Jinjava's current one; its errors are thrown as ours. */
    private static <T> T checked(JinjavaInterpreter interpreter, Function<JinjavaInterpreter, T> work) {
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            T result = work.apply(interpreter);
            check(interpreter.getErrors());
            return result;
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    public String source() {
        return source;
    }

    /** The rendered prompt; {@link TemplateRaisedException} if the template raises, {@link BadInputException} if it fails. */
    public String render(ChatRequest request) {
        Map<String, Object> vars = new HashMap<>();
        // transformers' globals, so that `strftime_now is defined` holds; calls go to the registered functions
        vars.put("raise_exception", new GlobalFunction("raise_exception"));
        vars.put("strftime_now", new GlobalFunction("strftime_now"));
        vars.put("messages", request.messages());
        vars.put("tools", request.tools());
        vars.put("documents", null);
        vars.put("add_generation_prompt", request.addGenerationPrompt());
        vars.putAll(specialTokens);
        vars.putAll(request.kwargs());
        Context context = new Context(jinjava.getGlobalContext(), vars);
        jinjava.getGlobalConfig().getExecutionMode().prepareContext(context);
        return checked(new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig()), interpreter -> interpreter.render(tree));
    }

    private static void check(List<TemplateError> errors) {
        for (TemplateError error : errors) {
            String raised = raisedMessage(error.getException());
            if (raised != null) throw new TemplateRaisedException(raised);
        }
        for (TemplateError error : errors) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new BadInputException("chat template failed at line " + error.getLineno() + ": " + error.getMessage());
            }
        }
    }

    /** A global function seen as a value: defined, and printed as Python prints a function. */
    private record GlobalFunction(String name) {
        @Override
        public String toString() {
            return "<function " + name + ">";
        }
    }

    private static String raisedMessage(Throwable t) {
        for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TemplateEnvironment.Raised r) return r.getMessage();
        }
        return null;
    }
}
