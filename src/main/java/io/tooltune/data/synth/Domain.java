package io.tooltune.data.synth;

import java.util.List;

/**
 * One kind of thing a category's tools know about (a city, a stock, a movie ...): how the key is named in
 * parameters, which key values exist, and which attributes an API can report about it.
 */
public record Domain(String category, String entity, String plural, List<String> keyNames, List<String> keyValues,
              List<Attribute> attributes) {

    /** A reported attribute: its response field, the phrase queries use, and how values are drawn. */
    public record Attribute(String field, String phrase, char kind, double lo, double hi, String unit, List<String> words) {

        /** The response template type of this attribute, as in ToolBench's template_response. */
        String templateType() {
            return switch (kind) {
                case 'i' -> "int";
                case 'f' -> "float";
                default -> "str";
            };
        }
    }
}
