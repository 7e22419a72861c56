package io.tooltune.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.util.ObjectTruthValue;
import jinjava.javax.el.CompositeELResolver;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jinjava set up as transformers sets up Jinja2 for chat templates ({@code ImmutableSandboxedEnvironment(trim_blocks,
 * lstrip_blocks, loopcontrols)}, its {@code tojson}, {@code raise_exception} and {@code strftime_now}), plus what
 * Jinjava lacks or does differently from Jinja2 that real templates use: Python string methods, the {@code items}
 * filter, {@code trim} as {@code str.strip}, {@code is iterable} true for strings and undefined values, lists and
 * dicts and booleans printed as Python prints them, filter blocks, and transformers' {@code generation} tag.
 */
final class TemplateEnvironment {
    private TemplateEnvironment() {}

    /** Thrown by the template's {@code raise_exception(message)}. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message);
        }
    }

    static Jinjava create(Clock clock) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // done by TemplateSource, as Jinja2 does it
                .withKeepTrailingNewline(true)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(100)
                .withFailOnUnknownTokens(false)
                .withElResolver(resolver)
                .withDateTimeProvider(clock::millis)
                .withTimeZone(clock.getZone())
                .withLocale(Locale.ENGLISH)
                .withExecutionMode(new PythonPrinting())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withEvaluateMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withUsePyishObjectMapper(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        Context globals = jinjava.getGlobalContext();
        globals.registerFunction(new ELFunctionDefinition("", "raise_exception", TemplateEnvironment.class,
                "raiseException", Object.class));
        globals.registerFunction(new ELFunctionDefinition("", "strftime_now", TemplateEnvironment.class,
                "strftimeNow", String.class));
        globals.registerFilter(new ToJson());
        globals.registerFilter(new Items());
        globals.registerFilter(new Trim());
        globals.registerFilter(new Indent());
        globals.registerExpTest(new IsIterable());
        globals.registerTag(new Generation());
        globals.registerTag(new FilterBlock());
        globals.registerTag(new PythonForTag());
        return jinjava;
    }

    public static Object raiseException(Object message) {
        throw new Raised(String.valueOf(message));
    }

    /** {@code datetime.now().strftime(format)} with the environment's clock. */
    public static String strftimeNow(String format) {
        JinjavaConfig config = JinjavaInterpreter.getCurrent().getConfig();
        Instant now = Instant.ofEpochMilli(config.getDateTimeProvider().getCurrentTimeMillis());
        return StrftimeFormatter.format(ZonedDateTime.ofInstant(now, config.getTimeZone()), format, Locale.ENGLISH);
    }

    /** A filter taking Jinja2 keyword arguments ({@code tojson(indent=4)}); the plain-argument form passes none. */
    private interface KeywordFilter extends Filter {
        @Override
        default Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs);
    }

    /** transformers' {@code tojson(x, indent=None, separators=None, sort_keys=False)}. */
    private static final class ToJson implements KeywordFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Object separators = kwargs.containsKey("separators") ? kwargs.get("separators") : args.length > 1 ? args[1] : null;
            String items = null;
            String keys = null;
            if (separators instanceof List<?> pair && pair.size() == 2) {
                items = String.valueOf(pair.get(0));
                keys = String.valueOf(pair.get(1));
            }
            return TemplateJson.dumps(var, indent, items, keys);
        }
    }

    /** Jinja2's {@code items}: a mapping's (key, value) pairs; anything else, as the generator Jinja2 returns, has no attributes. */
    private static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            List<Object> pairs = new ArrayList<>();
            if (var instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    List<Object> pair = new ArrayList<>(2);
                    pair.add(k);
                    pair.add(v);
                    pairs.add(new PyList(pair));
                });
            }
            return pairs;
        }
    }

    /** Jinja2's {@code trim}: Python's {@code str.strip(chars)}. */
    private static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) return "";
            return PyStrings.strip(var.toString(), args.length > 0 ? args[0] : null, true, true);
        }
    }

    /**
     * Prints {@code {{ x }}} as Jinja2 does where Jinjava differs: booleans as {@code True}/{@code False}. A null
     * stays empty: Jinjava cannot tell None (Jinja2 prints "None") from undefined (Jinja2 prints nothing), and
     * templates print unset special tokens ({@code {{ bos_token }}}) far more often than None.
     */
    private static final class PythonPrinting implements ExecutionMode, ExpressionStrategy {
        @Override
        public void prepareContext(Context context) {
            context.setExpressionStrategy(this);
        }

        @Override
        public RenderedOutputNode interpretOutput(ExpressionToken token, JinjavaInterpreter interpreter) {
            Object value = interpreter.resolveELExpression(token.getExpr(), token.getLineNumber());
            return new RenderedOutputNode(value instanceof Boolean b ? (b ? "True" : "False") : interpreter.getAsString(value));
        }
    }

    /** transformers' {@code {% generation %}...{% endgeneration %}} (marks assistant text for masks): renders its body. */
    private static final class Generation implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            return body(tagNode, interpreter);
        }
    }

    private static String body(TagNode tagNode, JinjavaInterpreter interpreter) {
        StringBuilder body = new StringBuilder();
        for (Node child : tagNode.getChildren()) body.append(child.render(interpreter).getValue());
        return body.toString();
    }

    /** Jinja2's filter block, {@code {% filter trim %}...{% endfilter %}}: the rendered body through the filter(s). */
    private static final class FilterBlock implements Tag {
        private static final String BODY = "__filter_block_body__";

        @Override
        public String getName() {
            return "filter";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            String body = body(tagNode, interpreter);
            try (var scope = interpreter.enterScope()) {
                interpreter.getContext().put(BODY, body);
                Object filtered = interpreter.resolveELExpression(BODY + "|" + tagNode.getHelpers().strip(), tagNode.getLineNumber());
                return filtered == null ? "" : filtered.toString();
            }
        }
    }

    /** Jinja2's {@code indent(width=4, first=False, blank=False)} (Jinjava's takes other arguments). */
    private static final class Indent implements KeywordFilter {
        @Override
        public String getName() {
            return "indent";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object width = kwargs.getOrDefault("width", args.length > 0 ? args[0] : 4L);
            boolean first = ObjectTruthValue.evaluate(kwargs.getOrDefault("first", args.length > 1 ? args[1] : false));
            boolean blank = ObjectTruthValue.evaluate(kwargs.getOrDefault("blank", args.length > 2 ? args[2] : false));
            String indent = width instanceof Number n ? " ".repeat(n.intValue()) : String.valueOf(width);
            return PyStrings.indent(var == null ? "" : var.toString(), indent, first, blank);
        }
    }

    /** Jinja2's {@code is iterable}: strings are iterable, and so is an undefined value (it iterates as empty). */
    private static final class IsIterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var == null || var instanceof String || var instanceof Iterable<?> || var instanceof Map<?, ?>
                    || var.getClass().isArray();
        }
    }
}
