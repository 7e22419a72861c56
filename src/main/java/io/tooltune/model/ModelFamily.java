package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One architecture, as config.json's {@code model_type} names it: how its config is read, which Hugging Face
 * parameters a checkpoint must hold, and how the model is built from them. Implementations are registered as
 * services (META-INF/services) and found through {@link ModelFamilies}.
 */
public interface ModelFamily {
    /** config.json's {@code model_type}. */
    String modelType();

    /** Parses config.json; a missing or mistyped field is a BadInputException naming {@code source} and the field. */
    ModelConfig readConfig(JsonNode config, String source);

    /** Every parameter's Hugging Face name and shape for {@code config} (a config this family read). */
    Map<String, Shape> parameterShapes(ModelConfig config);

    /** The model over {@code parameters} (owned by {@code manager}), named and shaped as {@link #parameterShapes}. */
    CausalLM build(ModelConfig config, NDManager manager, Map<String, NDArray> parameters);

    /** The model with fresh weights, initialised as transformers' {@code _init_weights} does for the family. */
    CausalLM random(ModelConfig config, long seed);
}
