package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Hugging Face OPT model folders: config.json, weights (model.safetensors, a sharded model.safetensors.index.json,
 * or pytorch_model.bin), tokenizer files. Weight names may carry the {@code model.} prefix or not; an absent
 * lm_head.weight means the head is tied to the token embedding.
 */
public final class ModelFolder {
    private ModelFolder() {}

    public static LoadedModel load(Path dir) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": not a directory");
        OptConfig config = OptConfig.read(dir.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.load(dir);
        try {
            return new LoadedModel(loadModel(dir, config), tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The weights of {@code dir} as an OPT model of {@code config}, checked against the config's names and shapes. */
    public static OptModel loadModel(Path dir, OptConfig config) {
        Weights weights = readWeights(dir);
        Map<String, Shape> shapes = OptModel.shapes(config);
        NDManager mgr = NDManager.newBaseManager();
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                String name = e.getKey();
                Safetensors.Tensor t = weights.tensors().remove(name);
                if (t == null) t = weights.tensors().remove(name.substring("model.".length()));
                if (t == null) throw new BadInputException(weights.source() + ": missing tensor " + name);
                if (!new Shape(t.shape()).equals(e.getValue())) {
                    throw new BadInputException(weights.source() + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                            + " but config.json implies " + Arrays.toString(e.getValue().getShape()));
                }
                params.put(name, mgr.create(t.data(), e.getValue()));
            }
            return new OptModel(config, mgr, params);
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
    private static Map<String, Safetensors.Tensor> sharded(Path index, java.util.function.Function<Path, Map<String, Safetensors.Tensor>> reader) {
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new BadInputException(index + ": not valid JSON", e);
        }
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
     * Writes config.json, model.safetensors (float32, {@code model.decoder.*} names, no lm_head when tied) and the
     * tokenizer (tokenizer.json plus the vocab.json, merges.txt and configs of a byte-level BPE).
     */
    public static void save(CausalLM model, Tokenizer tokenizer, Path dir) {
        if (!(model.config() instanceof OptConfig config)) throw new IllegalArgumentException("only OPT models can be saved");
        try {
            Files.createDirectories(dir);
            Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                NDArray v = e.getValue();
                float[] data = v.getDataType() == DataType.FLOAT32 ? v.toFloatArray() : toFloat32(v);
                out.put(e.getKey(), new Safetensors.Tensor(v.getShape().getShape(), data));
            }
            Safetensors.write(dir.resolve("model.safetensors"), out);
            Files.write(dir.resolve("config.json"), Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(config.toJson()));
            TokenizerFiles.write(tokenizer, config, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] toFloat32(NDArray v) {
        try (NDArray f = v.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }
}
