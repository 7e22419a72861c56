package io.tooltune.data.format;

import io.tooltune.data.python.PythonStr;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** ToolBench's naming rules ({@code toolbench/utils.py}), bit-exact: tool, API, parameter and category names. */
public final class ToolNames {
    /** Python's {@code [^\u4e00-\u9fa5^a-z^A-Z^0-9^_]}: '^' is a literal inside the class, so it survives. */
    private static final Pattern NON_STANDARD = Pattern.compile("[^\\u4e00-\\u9fa5^a-zA-Z0-9_]");
    private static final Pattern UNDERSCORES = Pattern.compile("_{2,}");
    private static final Set<String> RESERVED = Set.of("from", "class", "return", "false", "true", "id", "and");
    public static final int FUNCTION_NAME_MAX = 64;

    private ToolNames() {}

    public static String standardize(String s) {
        String r = NON_STANDARD.matcher(s).replaceAll("_");
        r = UNDERSCORES.matcher(r).replaceAll("_").toLowerCase(Locale.ROOT);
        int start = 0, end = r.length();
        while (start < end && r.charAt(start) == '_') start++;
        while (end > start && r.charAt(end - 1) == '_') end--;
        r = r.substring(start, end);
        if (r.isEmpty()) return r;
        if (Character.isDigit(r.charAt(0))) r = "get_" + r;
        return r;
    }

    /** Parameter/API names that are Python keywords or JSON literals get an "is_" prefix. */
    public static String changeName(String name) {
        return RESERVED.contains(name) ? "is_" + name : name;
    }

    /** An API's "pure" name: {@code change_name(standardize(api_name))}. */
    public static String pureApiName(String apiName) {
        return changeName(standardize(apiName));
    }

    /** {@code (pure_api_name + "_for_" + standard_tool_name)[-64:]}: the LAST 64 characters are kept. */
    public static String functionName(String apiName, String standardToolName) {
        return PythonStr.tail(pureApiName(apiName) + "_for_" + standardToolName, FUNCTION_NAME_MAX);
    }

    public static String standardizeCategory(String category) {
        String c = category.replace(" ", "_").replace(",", "_").replace("/", "_");
        while (c.contains(" ") || c.contains(",")) c = c.replace(" ", "_").replace(",", "_");
        return c.replace("__", "_");
    }
}
