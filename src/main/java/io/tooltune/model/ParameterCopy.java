package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.LinkedHashMap;
import java.util.Map;

/** A model's parameters copied into a new manager, on another device and/or in another dtype (what copyAs/copyTo share). */
public record ParameterCopy(NDManager manager, Map<String, NDArray> parameters) {

    /**
     * Copies {@code params} onto {@code device} as {@code type} (null: as they are). Each step runs only when it
     * changes something: torch's {@code to} returns the same tensor otherwise, so an unchanged one is duplicated.
     */
    public static ParameterCopy of(Map<String, NDArray> params, Device device, DataType type) {
        NDManager mgr = device.newManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            NDArray c = v;
            if (!mgr.getDevice().equals(v.getDevice())) c = v.toDevice(mgr.getDevice(), true);
            if (type != null && type != c.getDataType()) {
                NDArray converted = c.toType(type, true);
                if (c != v) c.close();
                c = converted;
            }
            if (c == v) c = v.duplicate();
            c.attach(mgr);
            p.put(k, c);
        });
        return new ParameterCopy(mgr, p);
    }
}
