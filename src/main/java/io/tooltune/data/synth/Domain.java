package io.tooltune.data.synth;

import java.util.List;

/**
 * One kind of thing a category's tools know about (a city, a stock, a movie ...): how the key is named in
 * parameters, which key values the table lists (examples and LIST answers use these), which key values exist
 * (the listed ones first, then made-up ones; queries and APIs use all), and which attributes an API can report.
 */
public record Domain(String category, String entity, String plural, List<String> keyNames, List<String> keyValues,
              List<String> keyPool, List<Attribute> attributes) {

    /** This domain with {@code pool} as the key values that exist. */
    Domain withKeyPool(List<String> pool) {
        return new Domain(category, entity, plural, keyNames, keyValues, List.copyOf(pool), attributes);
    }

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
