package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tooltune.BadInputException;
import io.tooltune.model.CausalLM;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Hugging Face model folder: config.json, model.safetensors, tokenizer files. */
public final class ModelFolder {
    private ModelFolder() {}

    /** The model and its tokenizer, closed together. */
    public record LoadedModel(CausalLM model, Tokenizer tokenizer) implements AutoCloseable {
        @Override
        public void close() {
            tokenizer.close();
            model.close();
        }
    }

    public static LoadedModel load(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.json"))) throw new BadInputException(dir + ": no config.json (not a model folder)");
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) throw new BadInputException(dir + ": no model.safetensors");
        OptConfig config = OptConfig.read(dir.resolve("config.json"));
        NDManager manager = NDManager.newBaseManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : Safetensors.read(weights, manager).entrySet()) {
            String name = e.getKey().startsWith("decoder.") ? "model." + e.getKey() : e.getKey();
            if (!name.equals("lm_head.weight")) params.put(name, e.getValue());
        }
        return new LoadedModel(new OptModel(config, manager, params), Tokenizer.load(dir));
    }
}
