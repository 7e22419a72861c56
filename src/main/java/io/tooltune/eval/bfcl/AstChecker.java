package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.eval.bfcl.CallDecoder.DecodedCall;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * BFCL's {@code ast_checker} for Python-style calls: simple, multiple and parallel (no order, greedy first fit)
 * dispatch on the category name, then {@code simple_function_checker}'s steps with BFCL's type rules (int accepted
 * for float, tuples as lists for tuple params, the "variable" rule when the ground truth's type differs from the
 * doc's), string normalisation, and dict / list-of-dict checks, down to which error wins when several apply.
 * Prompt-mode models only: names are compared as written (no {@code underscore_to_dot}).
 */
final class AstChecker {
    /** A verdict: {@code errorType} is null when valid. */
    record Result(boolean valid, String errorType) {
        static final Result OK = new Result(true, null);

        static Result error(String type) {
            return new Result(false, type);
        }
    }

    private AstChecker() {}

    /** Checks decoded calls against the ground truth (a list of {@code {name: {param: [acceptable values]}}}). */
    static Result check(JsonNode functions, List<DecodedCall> output, List<Object> groundTruth, String category) {
        if (category.contains("parallel")) return parallelNoOrder(functions, output, groundTruth);
        if (category.contains("multiple")) {
            if (output.size() != groundTruth.size()) return Result.error("multiple_function_checker:wrong_count");
            return simple(describe(functions, expectedName(groundTruth.get(0))), output.get(0), groundTruth.get(0));
        }
        if (output.size() != 1) return Result.error("simple_function_checker:wrong_count");
        return simple(functions.get(0), output.get(0), groundTruth.get(0));
    }

    private static String expectedName(Object expectedCall) {
        return (String) ((Map<?, ?>) expectedCall).keySet().iterator().next();
    }

    private static JsonNode describe(JsonNode functions, String name) {
        for (JsonNode f : functions) if (f.path("name").asText().equals(name)) return f;
        throw new IllegalArgumentException("the ground truth calls " + name + ", which is not among the offered functions");
    }

    private static Result parallelNoOrder(JsonNode functions, List<DecodedCall> output, List<Object> groundTruth) {
        if (output.size() != groundTruth.size()) return Result.error("parallel_function_checker_no_order:wrong_count");
        Set<Integer> matched = new HashSet<>();
        for (Object expected : groundTruth) {
            JsonNode doc = describe(functions, expectedName(expected));
            boolean found = false;
            for (int k = 0; k < output.size() && !found; k++) {
                if (matched.contains(k)) continue;
                if (simple(doc, output.get(k), expected).valid()) {
                    matched.add(k);
                    found = true;
                }
            }
            if (!found) return Result.error("parallel_function_checker_no_order:cannot_find_match");
        }
        return Result.OK;
    }

    @SuppressWarnings("unchecked")
    private static Result simple(JsonNode doc, DecodedCall call, Object expectedCall) {
        Map<Object, Object> expected = (Map<Object, Object>) ((Map<?, ?>) expectedCall).values().iterator().next();
        JsonNode properties = doc.path("parameters").path("properties");
        if (!doc.path("name").asText().equals(call.name())) return Result.error("simple_function_checker:wrong_func_name");
        for (JsonNode required : doc.path("parameters").path("required")) {
            if (!call.args().containsKey(required.asText())) return Result.error("simple_function_checker:missing_required");
        }
        for (Map.Entry<Object, Object> arg : call.args().entrySet()) {
            if (!(arg.getKey() instanceof String param) || !properties.has(param) || !expected.containsKey(param)) {
                return Result.error("simple_function_checker:unexpected_param");
            }
            Result r = param(properties.get(param), arg.getValue(), asList(expected.get(param)));
            if (!r.valid()) return r;
        }
        for (Map.Entry<Object, Object> e : expected.entrySet()) {
            if (!call.args().containsKey(e.getKey()) && !Py.in("", e.getValue())) {
                return Result.error("simple_function_checker:missing_optional");
            }
        }
        return Result.OK;
    }

    /** One parameter's type and value check; {@code acceptable} is the ground truth's list for it. */
    private static Result param(JsonNode spec, Object value, List<Object> acceptable) {
        String docType = spec.path("type").asText();
        String expectedType = pythonType(docType);
        String nestedType = docType.equals("array") || docType.equals("tuple") ? pythonType(spec.path("items").path("type").asText()) : null;
        if (docType.equals("tuple") && value instanceof Py.Tuple t) value = t.items();
        if (docType.equals("float") && value instanceof BigInteger i) value = i.doubleValue();

        TypeCheck tc = typeCheck(value, acceptable, expectedType, nestedType);
        if (!tc.valid()) return Result.error(tc.errorType());
        if (!tc.variable()) {
            if (expectedType.equals("dict")) return dictCheck(value, acceptable);
            if (expectedType.equals("list") && "dict".equals(nestedType)) return listDictCheck((List<?>) value, acceptable);
            if (expectedType.equals("str")) {
                return standardizedIn(value, acceptable) ? Result.OK : Result.error("value_error:string");
            }
            if (expectedType.equals("list")) return listCheck((List<?>) value, acceptable);
        }
        return Py.in(value, acceptable) ? Result.OK : Result.error("value_error:others");
    }

    private static String pythonType(String docType) {
        return switch (docType) {
            case "string", "any" -> "str";
            case "integer" -> "int";
            case "float" -> "float";
            case "boolean" -> "bool";
            case "array", "tuple" -> "list";
            case "dict" -> "dict";
            default -> throw new IllegalArgumentException("parameter type '" + docType + "' is not one BFCL's Python checker knows");
        };
    }

    private record TypeCheck(boolean valid, boolean variable, String errorType) {}

    /** The type of the first acceptable value that is not {@code ""}, or null. */
    private static String acceptableType(List<?> acceptable) {
        for (Object a : acceptable) if (!Py.eq(a, "")) return Py.type(a);
        return null;
    }

    private static TypeCheck typeCheck(Object value, List<?> acceptable, String expectedType, String nestedType) {
        String acceptedType = acceptableType(acceptable);
        boolean variable = acceptedType != null && !acceptedType.equals(expectedType);
        boolean nestedFailed = false;
        if (Py.type(value).equals(expectedType)) {
            if (nestedType == null) return new TypeCheck(true, variable, null);
            for (Object alternative : acceptable) {
                boolean fits = true;
                if (alternative instanceof List<?> items) {
                    for (Object element : (List<?>) value) {
                        if (!typeCheck(element, items, nestedType, null).valid()) {
                            fits = false;
                            break;
                        }
                    }
                }
                if (fits) return new TypeCheck(true, variable, null);
            }
            nestedFailed = true;
        }
        if (acceptedType != null && Py.type(value).equals(acceptedType)) {
            return nestedFailed ? new TypeCheck(false, true, "type_error:nested") : new TypeCheck(true, true, null);
        }
        return new TypeCheck(false, false, "type_error:simple");
    }

    /** BFCL's standardize_string: drop spaces and {@code ,./-_*^}, lower-case, {@code '} to {@code "}. */
    static String standardize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (" ,./-_*^".indexOf(c) < 0) sb.append(c);
        }
        return sb.toString().toLowerCase(Locale.ROOT).replace('\'', '"');
    }

    private static Object standardizeIfString(Object v) {
        return v instanceof String s ? standardize(s) : v;
    }

    private static boolean standardizedIn(Object value, List<?> acceptable) {
        List<Object> strings = new ArrayList<>();
        for (Object a : acceptable) if (a instanceof String s) strings.add(standardize(s));
        return Py.in(standardize((String) value), strings);
    }

    private static Result listCheck(List<?> value, List<?> acceptable) {
        List<Object> standardized = new ArrayList<>(value.size());
        for (Object v : value) standardized.add(standardizeIfString(v));
        List<Object> options = new ArrayList<>();
        for (Object alternative : acceptable) {
            List<Object> option = new ArrayList<>();
            for (Object item : items(alternative)) option.add(standardizeIfString(item));
            options.add(option);
        }
        return Py.in(standardized, options) ? Result.OK : Result.error("value_error:list/tuple");
    }

    /** What Python's {@code for i in range(len(x)): x[i]} walks: a list's items, a str's characters. */
    private static List<?> items(Object x) {
        if (x instanceof List<?> l) return l;
        if (x instanceof String s) return s.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        return List.of(new Object()); // BFCL would crash on this ground truth; here it simply never matches
    }

    private static Result dictCheck(Object value, List<?> acceptable) {
        Result result = Result.error("dict_checker:unclear");
        if (!(value instanceof Map<?, ?> output)) return result;
        for (Object alternative : acceptable) {
            if (Py.eq(alternative, "")) continue;
            result = Result.error("dict_checker:unclear");
            if (!(alternative instanceof Map<?, ?> option)) continue;
            boolean ok = true;
            for (Map.Entry<?, ?> e : output.entrySet()) {
                Object key = Py.findKey(option, e.getKey());
                if (key == null) {
                    result = Result.error("value_error:dict_key");
                    ok = false;
                    break;
                }
                List<Object> options = new ArrayList<>();
                for (Object o : items(option.get(key))) options.add(standardizeIfString(o));
                if (!Py.in(standardizeIfString(e.getValue()), options)) {
                    result = Result.error("value_error:dict_value");
                    ok = false;
                    break;
                }
            }
            for (Map.Entry<?, ?> e : option.entrySet()) {
                if (Py.findKey(output, e.getKey()) == null && !Py.in("", e.getValue())) {
                    result = Result.error("value_error:dict_key");
                    ok = false;
                    break;
                }
            }
            if (ok) return Result.OK;
        }
        return result;
    }

    private static Result listDictCheck(List<?> value, List<?> acceptable) {
        Result result = Result.error("list_dict_checker:unclear");
        for (Object alternative : acceptable) {
            List<?> option = items(alternative);
            if (value.size() != option.size()) {
                result = Result.error("value_error:list_dict_count");
                continue;
            }
            boolean ok = true;
            for (int k = 0; k < value.size(); k++) {
                result = dictCheck(value.get(k), List.of(option.get(k)));
                if (!result.valid()) {
                    ok = false;
                    break;
                }
            }
            if (ok) return Result.OK;
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object acceptable) {
        if (acceptable instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException("acceptable values must be a list, got " + Py.type(acceptable));
    }
}
