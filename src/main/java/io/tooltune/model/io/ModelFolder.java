package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.model.CausalLM;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hugging Face model folders (config.json, model.safetensors, tokenizer files) for OPT. */
public final class ModelFolder {
    private static final String P = "model.decoder.";

    private ModelFolder() {}

    public static LoadedModel load(Path dir) {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) throw new BadInputException(dir + ": no config.json");
        JsonNode cfgJson;
        try {
            cfgJson = Json.MAPPER.readTree(cfgFile.toFile());
        } catch (IOException e) {
            throw new BadInputException(cfgFile + ": unreadable: " + e.getMessage());
        }
        if (!"opt".equals(cfgJson.path("model_type").asText())) {
            throw new BadInputException(cfgFile + ": model_type '" + cfgJson.path("model_type").asText() + "' is not supported");
        }
        OptConfig cfg = OptConfig.fromJson(cfgJson);
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) throw new BadInputException(dir + ": no model.safetensors");
        Map<String, Safetensors.Tensor> raw = Safetensors.read(weights);
        NDManager mgr = NDManager.newBaseManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        OptModel shape = OptModel.random(new OptConfig(1, cfg.hiddenSize(), 1, cfg.numLayers(), cfg.numHeads(),
                cfg.wordEmbedProjDim(), 1, cfg.doLayerNormBefore(), 0, cfg.enableBias(), 1, 2, 2), 0);
        try {
            for (String name : shape.parameters().keySet()) {
                String rest = name.substring(P.length());
                Safetensors.Tensor t = raw.get(name);
                if (t == null) t = raw.get("decoder." + rest);
                if (t == null) throw new BadInputException(weights + ": missing tensor " + name);
                params.put(name, mgr.create(t.data(), new Shape(t.shape())));
            }
        } finally {
            shape.close();
        }
        return new LoadedModel(new OptModel(cfg, mgr, params), Tokenizer.load(dir));
    }

    public static void save(CausalLM model, Tokenizer tokenizer, Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
            model.parameters().forEach((k, v) -> out.put(k, new Safetensors.Tensor(v.getShape().getShape(),
                    v.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray())));
            Safetensors.write(dir.resolve("model.safetensors"), out);
            OptConfig c = (OptConfig) model.config();
            ObjectNode j = Json.MAPPER.createObjectNode();
            j.put("model_type", "opt").put("vocab_size", c.vocabSize()).put("hidden_size", c.hiddenSize())
                    .put("ffn_dim", c.ffnDim()).put("num_hidden_layers", c.numLayers())
                    .put("num_attention_heads", c.numHeads()).put("word_embed_proj_dim", c.wordEmbedProjDim())
                    .put("max_position_embeddings", c.maxPositionEmbeddings())
                    .put("do_layer_norm_before", c.doLayerNormBefore()).put("dropout", c.dropout())
                    .put("enable_bias", c.enableBias()).put("pad_token_id", c.padTokenId())
                    .put("bos_token_id", c.bosTokenId()).put("eos_token_id", c.eosTokenId())
                    .put("torch_dtype", "float32");
            j.putArray("architectures").add("OPTForCausalLM");
            Files.write(dir.resolve("config.json"), Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(j));
            tokenizer.saveTo(dir);
            Path src = tokenizer.tokenizerJson().getParent();
            for (String f : new String[] {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
                if (src != null && Files.isRegularFile(src.resolve(f)) && !src.equals(dir)) {
                    Files.copy(src.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
