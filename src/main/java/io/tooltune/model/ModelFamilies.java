package io.tooltune.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registered model families by config.json's {@code model_type}. Families are services, so this package does
 * not import the family packages (which import it).
 */
public final class ModelFamilies {
    private static final Map<String, ModelFamily> BY_TYPE = load();

    private ModelFamilies() {}

    private static Map<String, ModelFamily> load() {
        Map<String, ModelFamily> m = new LinkedHashMap<>();
        for (ModelFamily f : ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader())) {
            m.put(f.modelType(), f);
        }
        return m;
    }

    /** The supported {@code model_type} values, in registration order. */
    public static List<String> supported() {
        return List.copyOf(BY_TYPE.keySet());
    }

    /** The family of {@code modelType}; an unknown one is a BadInputException naming it and the supported ones. */
    public static ModelFamily of(String modelType, String source) {
        ModelFamily f = BY_TYPE.get(modelType);
        if (f == null) {
            throw new BadInputException(source + ": model_type '" + modelType + "' is not supported (supported: "
                    + String.join(", ", BY_TYPE.keySet()) + ")");
        }
        return f;
    }

    /** The family that config.json's tree names in {@code model_type}. */
    public static ModelFamily of(JsonNode config, String source) {
        if (config == null || !config.isObject()) throw new BadInputException(source + ": not a JSON object");
        JsonNode type = config.get("model_type");
        if (type == null || type.isNull()) throw new BadInputException(source + ": missing field model_type");
        if (!type.isTextual()) throw new BadInputException(source + ": model_type is not a string: " + type);
        return of(type.asText(), source);
    }
}
