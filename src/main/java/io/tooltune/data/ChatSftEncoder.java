package io.tooltune.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.chat.ChatRequest;
import io.tooltune.chat.ChatTemplate;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.data.python.PythonLiteral;
import io.tooltune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conversations through a model's chat template into token ids and labels for supervised fine-tuning, with loss on
 * every assistant turn and its end-of-turn token only. An assistant turn's text is what rendering the conversation
 * up to it adds to the render up to the turn before, with the assistant's turn opened
 * ({@code add_generation_prompt}); its label span ends after the last end-of-turn token in it (what follows, such as
 * a newline, is not labelled). The render is tokenized as transformers does (add_special_tokens=False), each span
 * on its own. A template whose render of a conversation does not extend the render of its beginning (e.g. Qwen3's,
 * which drops earlier turns' thinking) cannot be labelled this way: such instances are refused.
 */
public final class ChatSftEncoder {
    private final Tokenizer tokenizer;
    /** Parsed once: selecting builds a Jinjava environment and parses the template. */
    private final ChatTemplate plain, withTools;
    private final List<String> endOfTurn;
    private final int maxLength;

    /**
     * @param endOfTurn the end-of-turn tokens' texts (the model's EOS tokens)
     * @param maxLength longer instances are refused (0: no limit)
     */
    public ChatSftEncoder(Tokenizer tokenizer, ModelChatTemplates templates, List<String> endOfTurn, int maxLength) {
        this.tokenizer = tokenizer;
        this.plain = templates.select(false); // a folder without a template throws here, naming it
        this.withTools = templates.select(true);
        this.endOfTurn = List.copyOf(endOfTurn);
        this.maxLength = maxLength;
    }

    /** One {@code {"messages": [...], "tools": [...]}} record (OpenAI style, as TRL's SFTTrainer takes). */
    public SftEncoder.Encoded encode(String id, JsonNode conversation) {
        ObjectNode input = (ObjectNode) conversation.deepCopy();
        input.remove("add_generation_prompt");
        JsonNode messages = input.get("messages");
        if (messages == null || !messages.isArray()) throw new BadInputException("\"messages\" is missing or not an array");
        boolean tools = input.path("tools").isArray() && !input.get("tools").isEmpty();
        ChatTemplate template = tools ? withTools : plain;
        PieceTokens out = new PieceTokens();
        String done = "";
        int assistants = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).path("role").asText().equals("assistant")) continue;
            assistants++;
            String before = render(template, input, i, true);
            String through = render(template, input, i + 1, false);
            if (!before.startsWith(done) || !through.startsWith(before)) {
                throw new BadInputException("messages[" + i + "]: the chat template's render of the conversation up to this turn does not "
                        + "extend its render of the turns before, so the turn's tokens cannot be told apart");
            }
            out.masked(before.substring(done.length()));
            String span = through.substring(before.length());
            int end = labelEnd(span);
            out.labelled(span.substring(0, end));
            out.masked(span.substring(end));
            done = through;
        }
        if (assistants == 0) throw new BadInputException("no assistant turn to learn from");
        String whole = render(template, input, messages.size(), false);
        if (!whole.startsWith(done)) throw new BadInputException("the chat template's render of the whole conversation does not extend its render of the last assistant turn");
        out.masked(whole.substring(done.length()));
        long[] ids = out.ids();
        if (maxLength > 0 && ids.length > maxLength) {
            throw new BadInputException(ids.length + " tokens, over --max-length " + maxLength);
        }
        return new SftEncoder.Encoded(id, ids, out.labels(), 0);
    }

    /** A ToolLLaMA instance as an OpenAI conversation with the functions of its system prompt as tools. */
    public SftEncoder.Encoded encode(ToolLlamaExample example) {
        return encode(example.id(), openAiConversation(example));
    }

    /**
     * The system prompt without the ReAct format hint and function list (the raw system message the agent sends),
     * the functions (Finish included) as tools, each ReAct step as its thought plus a tool call, each observation as
     * the tool result answering it.
     */
    public static ObjectNode openAiConversation(ToolLlamaExample example) {
        ObjectNode conv = Json.MAPPER.createObjectNode();
        ArrayNode messages = conv.putArray("messages");
        ArrayNode tools = conv.putArray("tools");
        String lastCall = null;
        String lastName = null;
        int calls = 0;
        for (Turn t : example.conversations()) {
            switch (t.from()) {
                case "system" -> {
                    String system = t.value();
                    int at = system.indexOf(ToolLlamaPrompt.FUNCTIONS_PREFIX);
                    if (at >= 0) {
                        JsonNode functions = PythonLiteral.parse(system.substring(at + ToolLlamaPrompt.FUNCTIONS_PREFIX.length()));
                        if (!functions.isArray()) throw new BadInputException("the system prompt's function list is not a list");
                        for (JsonNode f : functions) tools.addObject().put("type", "function").set("function", f);
                        system = ToolLlamaPrompt.withoutFormatHint(system.substring(0, at));
                    }
                    messages.addObject().put("role", "system").put("content", system);
                }
                case "user" -> messages.addObject().put("role", "user").put("content", t.value());
                case "assistant" -> {
                    ReactParser.Parsed step = ReactParser.parse(t.value());
                    ObjectNode m = messages.addObject().put("role", "assistant");
                    if (step.action().isBlank()) {
                        m.put("content", t.value());
                        continue;
                    }
                    m.put("content", step.thought().strip());
                    lastCall = "call_" + (++calls);
                    lastName = step.action().strip();
                    ObjectNode call = m.putArray("tool_calls").addObject().put("id", lastCall).put("type", "function");
                    call.putObject("function").put("name", lastName).put("arguments", step.actionInput().strip());
                }
                case "function" -> {
                    ObjectNode m = messages.addObject().put("role", "tool");
                    if (lastCall != null) m.put("tool_call_id", lastCall).put("name", lastName);
                    m.put("content", t.value());
                }
                default -> throw new BadInputException("unknown role \"" + t.from() + "\"");
            }
        }
        if (tools.isEmpty()) conv.remove("tools");
        return conv;
    }

    private static String render(ChatTemplate template, ObjectNode input, int count, boolean generationPrompt) {
        ObjectNode part = input.deepCopy();
        ArrayNode messages = part.putArray("messages");
        for (int i = 0; i < count; i++) messages.add(input.get("messages").get(i));
        part.put("add_generation_prompt", generationPrompt);
        return template.render(ChatRequest.fromJson(part, "conversation"));
    }

    /** Where an assistant span's labels end: after its last end-of-turn token, else after its text (not trailing blanks). */
    private int labelEnd(String span) {
        int best = -1;
        for (String eot : endOfTurn) {
            int at = span.lastIndexOf(eot);
            if (at >= 0) best = Math.max(best, at + eot.length());
        }
        return best >= 0 ? best : span.stripTrailing().length();
    }

    /** Token ids and labels built from masked and labelled text pieces, each tokenized on its own. */
    private final class PieceTokens {
        private long[] ids = new long[0];
        private long[] labels = new long[0];

        void masked(String text) {
            append(text, false);
        }

        void labelled(String text) {
            append(text, true);
        }

        private void append(String text, boolean label) {
            if (text.isEmpty()) return;
            long[] t = tokenizer.encode(text, false);
            int n = ids.length;
            ids = Arrays.copyOf(ids, n + t.length);
            labels = Arrays.copyOf(labels, n + t.length);
            System.arraycopy(t, 0, ids, n, t.length);
            for (int i = 0; i < t.length; i++) labels[n + i] = label ? t[i] : SftEncoder.IGNORE;
        }

        long[] ids() {
            return ids;
        }

        long[] labels() {
            return labels;
        }
    }

    /** The end-of-turn texts: the tokenizer's eos_token and the model's EOS ids (generation_config may list several). */
    public static List<String> endOfTurnTexts(Tokenizer tokenizer, ModelChatTemplates templates, List<Integer> eosIds) {
        List<String> out = new ArrayList<>();
        if (templates.specialTokens().get("eos_token") instanceof String eos) out.add(eos);
        for (int id : eosIds) {
            String text = tokenizer.decode(new long[]{id}, false);
            if (!text.isEmpty() && !out.contains(text)) out.add(text);
        }
        return out;
    }
}
