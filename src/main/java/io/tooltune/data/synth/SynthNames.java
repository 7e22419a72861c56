package io.tooltune.data.synth;

import java.util.Locale;
import java.util.Set;

/** ToolBench names of synthetic tools, APIs and parameters (standardize / change_name, spec §0). */
final class SynthNames {
    private static final Set<String> RESERVED = Set.of("from", "class", "return", "false", "true", "id", "and");

    private SynthNames() {}

    static String standardize(String s) {
        String r = s.replaceAll("[^\\u4e00-\\u9fa5^a-zA-Z0-9_]", "_").replaceAll("_+", "_").toLowerCase(Locale.ROOT);
        r = r.replaceAll("^_+|_+$", "");
        return !r.isEmpty() && Character.isDigit(r.charAt(0)) ? "get_" + r : r;
    }

    /** The argument name a function schema exposes for a parameter. */
    static String argument(String param) {
        String s = standardize(param);
        return RESERVED.contains(s) ? "is_" + s : s;
    }

    /** The OpenAI function name of an API: "<api>_for_<tool>", last 64 characters. */
    static String function(String tool, String api) {
        String n = argument(api) + "_for_" + standardize(tool);
        return n.length() > 64 ? n.substring(n.length() - 64) : n;
    }
}
