package io.tooltune.eval.bfcl;

import java.util.Arrays;
import java.util.List;

/**
 * BFCL v4's test categories ({@code constants/category_mapping.py}) and how each is judged. As in BFCL, the rule
 * follows from the name: "relevance"/"irrelevance" categories only ask whether a call decodes, the others go
 * through the AST checker (live ones exactly like their non-live namesakes).
 */
public enum Category {
    SIMPLE_PYTHON("simple_python", 400),
    SIMPLE_JAVA("simple_java", 100),
    SIMPLE_JAVASCRIPT("simple_javascript", 50),
    MULTIPLE("multiple", 200),
    PARALLEL("parallel", 200),
    PARALLEL_MULTIPLE("parallel_multiple", 200),
    IRRELEVANCE("irrelevance", 240),
    LIVE_SIMPLE("live_simple", 258),
    LIVE_MULTIPLE("live_multiple", 1053),
    LIVE_PARALLEL("live_parallel", 16),
    LIVE_PARALLEL_MULTIPLE("live_parallel_multiple", 24),
    LIVE_IRRELEVANCE("live_irrelevance", 884),
    LIVE_RELEVANCE("live_relevance", 16),
    MULTI_TURN_BASE("multi_turn_base", 0),
    MULTI_TURN_MISS_FUNC("multi_turn_miss_func", 0),
    MULTI_TURN_MISS_PARAM("multi_turn_miss_param", 0),
    MULTI_TURN_LONG_CONTEXT("multi_turn_long_context", 0),
    WEB_SEARCH_BASE("web_search_base", 0),
    WEB_SEARCH_NO_SNIPPET("web_search_no_snippet", 0),
    MEMORY_KV("memory_kv", 0),
    MEMORY_VECTOR("memory_vector", 0),
    MEMORY_REC_SUM("memory_rec_sum", 0),
    FORMAT_SENSITIVITY("format_sensitivity", 0);

    /** The file-name form, as in {@code BFCL_v4_<name>.json}. */
    final String id;
    /**
     * Entries in BFCL v4's full data set: the weight a category that was not run gets in the live average (the only
     * entry-weighted aggregate; 0 where no aggregate weighs by size).
     */
    final int fullSize;

    Category(String id, int fullSize) {
        this.id = id;
        this.fullSize = fullSize;
    }

    static final String PREFIX = "BFCL_v4_";

    static Category of(String id) {
        for (Category c : values()) if (c.id.equals(id)) return c;
        return null;
    }

    /** Categories that ask only whether any call decodes (no ground truth). */
    boolean isRelevance() {
        return id.contains("relevance");
    }

    /** Why tooltune cannot score this category, or null when it can. */
    String unsupportedReason() {
        if (id.contains("java")) {
            return "Java/JavaScript categories are not supported (their outputs are checked by BFCL's Java/JavaScript type converters)";
        }
        if (id.startsWith("multi_turn") || id.startsWith("memory") || id.startsWith("web_search")) {
            return "multi-turn and agentic categories are not supported (BFCL checks them by executing its Python tool backends)";
        }
        if (this == FORMAT_SENSITIVITY) return "format_sensitivity is not a scoring category and is not supported";
        return null;
    }

    /** The single-turn categories tooltune scores, in BFCL's order. */
    static List<Category> supported() {
        return Arrays.stream(values()).filter(c -> c.unsupportedReason() == null).toList();
    }
}
