package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/** The check a model makes of the parameters it is given against the names and shapes its config implies. */
public final class ParameterShapes {
    private ParameterShapes() {}

    /** Throws IllegalArgumentException naming the first parameter of {@code expected} missing or misshapen in {@code params}. */
    public static void require(Map<String, Shape> expected, Map<String, NDArray> params) {
        expected.forEach((name, shape) -> {
            NDArray p = params.get(name);
            if (p == null) throw new IllegalArgumentException("missing parameter " + name);
            if (!p.getShape().equals(shape)) {
                throw new IllegalArgumentException(name + " has shape " + p.getShape() + ", expected " + shape);
            }
        });
    }
}
