package io.tooltune.model.decoder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.model.ConfigFields;

/**
 * config.json's {@code rope_theta} and {@code rope_scaling} (transformers' modeling_rope_utils): {@code default},
 * {@code linear} (inverse frequencies divided by the factor) and {@code llama3} (long wavelengths divided by the
 * factor, short ones kept, a smooth blend between). The old {@code type} key is read as {@code rope_type}.
 */
public record RopeScaling(double theta, String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    public static final String DEFAULT = "default";
    public static final String LINEAR = "linear";
    public static final String LLAMA3 = "llama3";

    static RopeScaling read(ConfigFields c) {
        double theta = c.optionalDouble("rope_theta", 10000.0);
        ConfigFields s = c.optionalObject("rope_scaling");
        if (s == null) return new RopeScaling(theta, DEFAULT, 1, 0, 0, 0);
        String type = s.optionalString("rope_type", s.optionalString("type", DEFAULT));
        return switch (type) {
            case DEFAULT -> new RopeScaling(theta, DEFAULT, 1, 0, 0, 0);
            case LINEAR -> new RopeScaling(theta, LINEAR, s.requiredDouble("factor"), 0, 0, 0);
            case LLAMA3 -> new RopeScaling(theta, LLAMA3, s.requiredDouble("factor"), s.requiredDouble("low_freq_factor"),
                    s.requiredDouble("high_freq_factor"), s.requiredInt("original_max_position_embeddings"));
            default -> throw s.error("rope type '" + type + "' is not supported (default, linear, llama3)");
        };
    }

    /**
     * The float32 inverse frequencies of {@code headDim / 2} rotary pairs, computed as transformers does in float32:
     * {@code 1 / theta^(2i / headDim)}, then scaled.
     */
    public float[] inverseFrequencies(int headDim) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / headDim;
            inv[i] = 1f / (float) Math.pow(theta, exponent);
            if (type.equals(LINEAR)) inv[i] = (float) (inv[i] / factor);
            if (type.equals(LLAMA3)) inv[i] = llama3(inv[i]);
        }
        return inv;
    }

    /** transformers' {@code _compute_llama3_parameters} for one frequency. */
    private float llama3(float inv) {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        float wavelen = (float) (2 * Math.PI / inv);
        float scaled = wavelen > lowFreqWavelen ? (float) (inv / factor) : inv;
        boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
        if (!medium) return scaled;
        float smooth = (float) ((originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor));
        return (float) ((1 - smooth) * scaled / factor + smooth * scaled);
    }

    /** The rope_scaling object of config.json, or null for the default. */
    ObjectNode toJson() {
        if (type.equals(DEFAULT)) return null;
        ObjectNode j = Json.MAPPER.createObjectNode().put("rope_type", type).put("factor", factor);
        if (type.equals(LLAMA3)) {
            j.put("low_freq_factor", lowFreqFactor).put("high_freq_factor", highFreqFactor)
                    .put("original_max_position_embeddings", originalMaxPositions);
        }
        return j;
    }
}
