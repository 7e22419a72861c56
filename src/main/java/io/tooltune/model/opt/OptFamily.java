package io.tooltune.model.opt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.model.CausalLM;
import io.tooltune.model.ModelConfig;
import io.tooltune.model.ModelFamily;

import java.util.Map;

/** OPTForCausalLM ({@code model_type: opt}). */
public final class OptFamily implements ModelFamily {
    @Override
    public String modelType() {
        return "opt";
    }

    @Override
    public ModelConfig readConfig(JsonNode config, String source) {
        return OptConfig.fromJson(config, source);
    }

    @Override
    public Map<String, Shape> parameterShapes(ModelConfig config) {
        return OptModel.shapes((OptConfig) config);
    }

    @Override
    public CausalLM build(ModelConfig config, NDManager manager, Map<String, NDArray> parameters) {
        return new OptModel((OptConfig) config, manager, parameters);
    }

    @Override
    public CausalLM random(ModelConfig config, long seed) {
        return OptModel.random((OptConfig) config, seed);
    }
}
