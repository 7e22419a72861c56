package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Device;
import io.tooltune.model.ModelConfig;
import io.tooltune.model.ModelFamilies;
import io.tooltune.model.ModelFamily;
import io.tooltune.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Hugging Face model folders of any registered family ({@link ModelFamilies}, by config.json's {@code model_type}):
 * config.json, generation_config.json (its token ids are the ones generation uses), weights (model.safetensors, a
 * sharded model.safetensors.index.json, or pytorch_model.bin), tokenizer files. Weight names may carry the
 * {@code model.} prefix or not; an absent lm_head.weight means the head is tied to the token embedding.
 */
public final class ModelFolder {
    private static final ObjectWriter PRETTY = Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT);

    private ModelFolder() {}

    public static LoadedModel load(Path dir) {
        return load(dir, Device.CPU);
    }

    /** A model folder with its weights on {@code device}. */
    public static LoadedModel load(Path dir, Device device) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": not a directory");
        ModelConfig config = readConfig(dir);
        Tokenizer tokenizer = Tokenizer.load(dir);
        try {
            return new LoadedModel(loadModel(dir, config, device), tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** As {@link #load(Path, Device)}, with the PEFT LoRA adapter in {@code adapter} attached (null: none). */
    public static LoadedModel load(Path dir, Device device, Path adapter) {
        LoadedModel m = load(dir, device);
        try {
            AdapterFolder.attach(adapter, m.model());
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * config.json read by the family its {@code model_type} names, with generation_config.json's
     * {@code eos_token_id} in place of config.json's and its bos/pad ids where config.json has none (as generate).
     */
    public static ModelConfig readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": missing");
        JsonNode json = readJson(file);
        Path generation = dir.resolve("generation_config.json");
        if (json instanceof ObjectNode o && Files.isRegularFile(generation)) {
            JsonNode g = readJson(generation);
            if (g.hasNonNull("eos_token_id")) o.set("eos_token_id", g.get("eos_token_id"));
            for (String id : List.of("bos_token_id", "pad_token_id")) {
                if (!o.hasNonNull(id) && g.hasNonNull(id)) o.set(id, g.get(id));
            }
        }
        String source = file.toString();
        return ModelFamilies.of(json, source).readConfig(json, source);
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The weights of {@code dir} as a model of {@code config}, checked against the family's names and shapes. */
    public static CausalLM loadModel(Path dir, ModelConfig config) {
        return loadModel(dir, config, Device.CPU);
    }

    /** As {@link #loadModel(Path, ModelConfig)}, with the weights created on {@code device}. */
    public static CausalLM loadModel(Path dir, ModelConfig config, Device device) {
        ModelFamily family = ModelFamilies.of(config.modelType(), dir.resolve("config.json").toString());
        Weights weights = readWeights(dir);
        NDManager mgr = device.newManager();
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : family.parameterShapes(config).entrySet()) {
                String name = e.getKey();
                Safetensors.Tensor t = weights.tensors().remove(name);
                if (t == null && name.startsWith("model.")) t = weights.tensors().remove(name.substring("model.".length()));
                if (t == null) throw new BadInputException(weights.source() + ": missing tensor " + name);
                if (!new Shape(t.shape()).equals(e.getValue())) {
                    throw new BadInputException(weights.source() + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                            + " but config.json implies " + Arrays.toString(e.getValue().getShape()));
                }
                params.put(name, mgr.create(t.data(), e.getValue()));
            }
            return family.build(config, mgr, params);
        } catch (RuntimeException e) {
            mgr.close();
            throw e;
        }
    }

    private record Weights(String source, Map<String, Safetensors.Tensor> tensors) {}

    private static Weights readWeights(Path dir) {
        Path st = dir.resolve("model.safetensors");
        if (Files.isRegularFile(st)) return new Weights(st.toString(), Safetensors.read(st));
        Path stIndex = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(stIndex)) return new Weights(stIndex.toString(), sharded(stIndex, Safetensors::read));
        Path bin = dir.resolve("pytorch_model.bin");
        if (Files.isRegularFile(bin)) return new Weights(bin.toString(), TorchZip.read(bin));
        Path binIndex = dir.resolve("pytorch_model.bin.index.json");
        if (Files.isRegularFile(binIndex)) return new Weights(binIndex.toString(), sharded(binIndex, TorchZip::read));
        throw new BadInputException(dir + ": no model.safetensors, model.safetensors.index.json or pytorch_model.bin");
    }

    /** An index.json's {@code weight_map} (name → shard file): every shard read once, every mapped name present. */
    private static Map<String, Safetensors.Tensor> sharded(Path index, Function<Path, Map<String, Safetensors.Tensor>> reader) {
        JsonNode map = readJson(index).path("weight_map");
        if (!map.isObject() || map.isEmpty()) throw new BadInputException(index + ": no weight_map");
        Map<String, Safetensors.Tensor> all = new LinkedHashMap<>();
        TreeSet<String> shards = new TreeSet<>();
        map.properties().forEach(e -> shards.add(e.getValue().asText()));
        for (String shard : shards) {
            Path file = index.resolveSibling(shard);
            if (!Files.isRegularFile(file)) throw new BadInputException(index + ": shard " + shard + " is missing");
            all.putAll(reader.apply(file));
        }
        map.properties().forEach(e -> {
            if (!all.containsKey(e.getKey())) throw new BadInputException(index.resolveSibling(e.getValue().asText()) + ": missing tensor " + e.getKey());
        });
        return all;
    }

    /**
     * Writes a folder transformers loads: config.json (the family's fields), generation_config.json (bos, eos — a
     * list when there are several — and pad), model.safetensors (float32, Hugging Face names, no lm_head when tied)
     * and the tokenizer files.
     */
    public static void save(CausalLM model, Tokenizer tokenizer, Path dir) {
        ModelConfig config = model.config();
        try {
            Files.createDirectories(dir);
            Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                NDArray v = e.getValue();
                float[] data = v.getDataType() == DataType.FLOAT32 ? v.toFloatArray() : toFloat32(v);
                out.put(e.getKey(), new Safetensors.Tensor(v.getShape().getShape(), data));
            }
            Safetensors.write(dir.resolve("model.safetensors"), out);
            Files.write(dir.resolve("config.json"), PRETTY.writeValueAsBytes(config.toJson()));
            Files.write(dir.resolve("generation_config.json"), PRETTY.writeValueAsBytes(generationConfig(config)));
            TokenizerFiles.write(tokenizer, config, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode generationConfig(ModelConfig config) {
        ObjectNode g = Json.MAPPER.createObjectNode();
        if (config.bosTokenId() >= 0) g.put("bos_token_id", config.bosTokenId());
        List<Integer> eos = config.eosTokenIds();
        if (eos.size() == 1) g.put("eos_token_id", eos.get(0));
        else if (!eos.isEmpty()) eos.forEach(g.putArray("eos_token_id")::add);
        if (config.padTokenId() >= 0) g.put("pad_token_id", config.padTokenId());
        return g;
    }

    private static float[] toFloat32(NDArray v) {
        try (NDArray f = v.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }
}
