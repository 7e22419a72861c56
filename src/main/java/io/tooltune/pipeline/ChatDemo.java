package io.tooltune.pipeline;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.LocalChatTemplateBackend;
import io.tooltune.chat.ChatRequest;
import io.tooltune.chat.ChatTemplate;
import io.tooltune.data.ChatSftEncoder;
import io.tooltune.data.Prepare;
import io.tooltune.data.SftEncoder;
import io.tooltune.data.TrajectoryData;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Device;
import io.tooltune.model.ModelConfig;
import io.tooltune.model.ModelFamilies;
import io.tooltune.model.ModelFamily;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tokenizer.BpeTrainer;
import io.tooltune.tokenizer.ByteLevelBpeJson;
import io.tooltune.tokenizer.Tokenizer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The demo for a family that speaks through a chat template ({@code --family qwen2}): Qwen2.5-Instruct's template
 * with Hermes tool calls, the tokenizer the demo's byte-level BPE trained on the training conversations as that
 * template renders them plus Qwen2.5's special tokens, a small config of the family with random weights (built
 * through the family registry), training data through {@code prepare --format chat}'s path and the agent through
 * {@code run --prompt-format chat-template}'s.
 */
final class ChatDemo {
    private ChatDemo() {}

    /** Qwen2.5's special tokens the template and its tool calls use, in Qwen2.5's id order, after the BPE's ids. */
    static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>");
    static final String END_OF_TEXT = "<|endoftext|>";
    static final String END_OF_TURN = "<|im_end|>";
    /** Qwen2.5 marks the tool-call tags as added but not special, so a decode that skips specials keeps them. */
    private static final List<String> NOT_SPECIAL = List.of("<tool_call>", "</tool_call>");
    private static final String TEMPLATE_RESOURCE = "qwen2.5-instruct.jinja";
    /** The Qwen2.5 template does not read the date; a fixed clock keeps the renders independent of the run's time. */
    private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    /**
     * A small model of a chat-template family: {@code modelType} names it in config.json; q/k/v biases and the tied
     * head are the family's (Qwen2's) own; {@code context} the positions, long enough for the rendered prompts.
     */
    record Shape(String modelType, int layers, int hidden, int heads, int kvHeads, int intermediate, int context,
                 double ropeTheta) {}

    /** Qwen2.5-Instruct's chat template, byte for byte (the protocol the model is trained and run with). */
    static String template() {
        try (InputStream in = ChatDemo.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + TEMPLATE_RESOURCE);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the untrained model folder: tokenizer.json (BPE of {@code bpeVocab} entries trained on the rendered
     * training conversations, then the special tokens), tokenizer_config.json with the template, config.json and
     * random weights. Returns the parameter count.
     */
    static long writeUntrained(Shape shape, int bpeVocab, Path answerDir, Path dir, long seed) {
        BpeTrainer.Bpe bpe = BpeTrainer.train(tokenizerTexts(answerDir), bpeVocab);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(bpe), StandardCharsets.UTF_8);
            Files.write(dir.resolve("tokenizer_config.json"), Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(tokenizerConfig(bpe.vocab().size(), shape.context())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode config = modelConfig(shape, bpe.vocab().size());
        String source = dir.resolve("config.json").toString();
        ModelFamily family = ModelFamilies.of(config, source);
        ModelConfig cfg = family.readConfig(config, source);
        try (Tokenizer tok = Tokenizer.load(dir); CausalLM model = family.random(cfg, seed)) {
            ModelFolder.save(model, tok, dir);
            return model.parameterCount();
        }
    }

    /**
     * Texts for the tokenizer: every training trajectory as the template renders it with its tools, cut at the special tokens, which the tokenizer matches before BPE.
     */
    static List<String> tokenizerTexts(Path answerDir) {
        ChatTemplate template = new ChatTemplate(template(), Map.of("eos_token", END_OF_TURN), CLOCK);
        Pattern specials = Pattern.compile(SPECIAL_TOKENS.stream().map(Pattern::quote).collect(Collectors.joining("|")));
        List<String> out = new ArrayList<>();
        for (ObjectNode conv : conversations(answerDir)) {
            conv.put("add_generation_prompt", false);
            String text = template.render(ChatRequest.fromJson(conv, "training conversation"));
            out.addAll(Arrays.stream(specials.split(text)).filter(s -> !s.isEmpty()).toList());
        }
        return out;
    }

    /** The BPE's tokenizer.json without OPT's BOS template, the special tokens added after its vocabulary. */
    static String tokenizerJson(BpeTrainer.Bpe bpe) throws IOException {
        ObjectNode vocab = Json.MAPPER.createObjectNode();
        bpe.vocab().forEach(vocab::put);
        ArrayNode merges = Json.MAPPER.createArrayNode();
        bpe.merges().forEach(merges::add);
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(ByteLevelBpeJson.build(vocab, merges));
        root.putNull("post_processor");
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        int id = bpe.vocab().size();
        for (String t : SPECIAL_TOKENS) {
            added.addObject().put("id", id++).put("content", t).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", !NOT_SPECIAL.contains(t));
        }
        return Json.MAPPER.writeValueAsString(root);
    }

    /** Qwen2.5's tokenizer_config.json fields: no BOS, {@code <|im_end|>} ends a turn, {@code <|endoftext|>} pads. */
    static ObjectNode tokenizerConfig(int bpeVocab, int context) {
        ObjectNode tc = Json.MAPPER.createObjectNode().put("add_bos_token", false).put("add_prefix_space", false);
        ObjectNode decoder = tc.putObject("added_tokens_decoder");
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            String t = SPECIAL_TOKENS.get(i);
            decoder.putObject(Integer.toString(bpeVocab + i)).put("content", t).put("lstrip", false).put("normalized", false)
                    .put("rstrip", false).put("single_word", false).put("special", !NOT_SPECIAL.contains(t));
        }
        tc.putNull("bos_token");
        tc.put("chat_template", template());
        tc.put("clean_up_tokenization_spaces", false).put("eos_token", END_OF_TURN).put("errors", "replace")
                .put("model_max_length", context).put("pad_token", END_OF_TEXT).put("split_special_tokens", false)
                .put("tokenizer_class", "PreTrainedTokenizerFast");
        tc.putNull("unk_token");
        return tc;
    }

    /** config.json of {@code shape} over a vocabulary of the BPE's entries and the special tokens, tied head. */
    static ObjectNode modelConfig(Shape s, int bpeVocab) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.putArray("architectures").add(architecture(s.modelType()));
        c.put("model_type", s.modelType()).put("vocab_size", bpeVocab + SPECIAL_TOKENS.size())
                .put("hidden_size", s.hidden()).put("intermediate_size", s.intermediate())
                .put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
                .put("num_key_value_heads", s.kvHeads()).put("max_position_embeddings", s.context())
                .put("rms_norm_eps", 1e-6).put("rope_theta", s.ropeTheta()).put("hidden_act", "silu")
                .put("tie_word_embeddings", true).put("use_sliding_window", false)
                .put("bos_token_id", bpeVocab + SPECIAL_TOKENS.indexOf(END_OF_TEXT))
                .put("eos_token_id", bpeVocab + SPECIAL_TOKENS.indexOf(END_OF_TURN))
                .put("pad_token_id", bpeVocab + SPECIAL_TOKENS.indexOf(END_OF_TEXT))
                .put("initializer_range", 0.02).put("torch_dtype", "float32");
        return c;
    }

    private static String architecture(String modelType) {
        return switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> throw new IllegalArgumentException("no chat demo for model_type " + modelType);
        };
    }

    /**
     * Each training trajectory once, whole, as an OpenAI-style {@code {"messages", "tools"}} line in
     * {@code conversations}, then {@code prepare --format chat --model MODEL} on that file: rendered by the model's
     * template, loss on every assistant turn; conversations over {@code maxLength} tokens are skipped. (Prepare's
     * ToolBench input gives one instance per assistant turn, each repeating the turns before.) With
     * {@link TrajectoryData.PromptLoss#ALL} every token is then a label, as the OPT demo trains (plain language
     * modelling: a model from random weights learns to read the tool list and the query, not only to write calls).
     * Returns the records written.
     */
    static long writeSft(Path answerDir, Path model, Path conversations, Path output, int maxLength,
                         TrajectoryData.PromptLoss promptLoss) {
        try {
            Files.createDirectories(conversations.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(conversations, StandardCharsets.UTF_8)) {
                for (ObjectNode conv : conversations(answerDir)) w.write(Json.MAPPER.writeValueAsString(conv) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Prepare.Result r = Prepare.run(new Prepare.Options(conversations, model, output, Prepare.Format.CHAT,
                SftEncoder.LossOn.ALL_ASSISTANT, maxLength, null, null, false), System.err);
        if (promptLoss == TrajectoryData.PromptLoss.ALL) labelEveryToken(output);
        return r.log().writtenCount();
    }

    /** Rewrites an SFT file's records with their labels equal to their input ids. */
    private static void labelEveryToken(Path sft) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(sft, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                ObjectNode record = (ObjectNode) Json.MAPPER.readTree(line);
                record.set("labels", record.get("input_ids").deepCopy());
                lines.add(Json.MAPPER.writeValueAsString(record));
            }
            Files.write(sft, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every training trajectory as an OpenAI-style conversation with its functions as tools (its last instance holds all turns). */
    private static List<ObjectNode> conversations(Path answerDir) {
        return TrajectoryData.instances(answerDir).stream()
                .map(t -> ChatSftEncoder.openAiConversation(t.get(t.size() - 1))).toList();
    }

    /** {@code run --prompt-format chat-template}'s backend over {@code model}. */
    static LocalChatTemplateBackend backend(Path model, int maxNewTokens, long seed, int batch) {
        GenerationConfig cfg = GenerationConfig.toolLlama().withMaxNewTokens(maxNewTokens)
                .withTemperature(GenerationConfig.TOOLLLAMA_TEMPERATURE).withSeed(seed);
        return LocalChatTemplateBackend.load(model, null, cfg, batch, Device.CPU, CLOCK);
    }
}
