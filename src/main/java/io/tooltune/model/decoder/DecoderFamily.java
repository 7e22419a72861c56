package io.tooltune.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.model.CausalLM;
import io.tooltune.model.ConfigFields;
import io.tooltune.model.ModelConfig;
import io.tooltune.model.ModelFamily;

import java.util.Map;

/** A Llama-like family: config read with its variant's defaults, the model a {@link DecoderModel}. */
public class DecoderFamily implements ModelFamily {
    private final DecoderVariant variant;

    protected DecoderFamily(DecoderVariant variant) {
        this.variant = variant;
    }

    @Override
    public String modelType() {
        return variant.modelType();
    }

    @Override
    public DecoderConfig readConfig(JsonNode config, String source) {
        return DecoderConfig.read(variant, new ConfigFields(config, source));
    }

    @Override
    public Map<String, Shape> parameterShapes(ModelConfig config) {
        return DecoderModel.shapes((DecoderConfig) config);
    }

    @Override
    public CausalLM build(ModelConfig config, NDManager manager, Map<String, NDArray> parameters) {
        return new DecoderModel((DecoderConfig) config, manager, parameters);
    }

    @Override
    public CausalLM random(ModelConfig config, long seed) {
        return DecoderModel.random((DecoderConfig) config, seed);
    }
}
