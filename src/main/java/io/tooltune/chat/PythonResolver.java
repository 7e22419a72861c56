package io.tooltune.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.Namespace;
import com.hubspot.jinjava.util.ForLoop;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Jinja2 templates reach through attributes and Jinjava resolves differently or not at all: Python {@code str}
 * method calls on strings ({@code content.startswith('<tool_response>')}, {@code .split('</think>')[-1].lstrip('\n')};
 * Jinjava would call the Java method of the same name, a regex split or a Unicode strip, or find none), and
 * {@code loop.previtem} / {@code loop.nextitem} (read from the items {@link PythonForTag} keeps in scope), and dict
 * methods reached as attributes (marked by {@link TemplateSource}).
 */
final class PythonResolver extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) return null;
        Object[] p = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), p);
        if (result == NOT_A_METHOD) return null;
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_A_METHOD = new Object();

    private static Object call(String s, String name, Object[] p) {
        return switch (name) {
            case "startswith" -> affix(s, p, true);
            case "endswith" -> affix(s, p, false);
            case "strip" -> PyStrings.strip(s, str(p, 0), true, true);
            case "lstrip" -> PyStrings.strip(s, str(p, 0), true, false);
            case "rstrip" -> PyStrings.strip(s, str(p, 0), false, true);
            case "split" -> PyStrings.split(s, str(p, 0), integer(p, 1, -1));
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "replace" -> PyStrings.replace(s, str(p, 0), str(p, 1), integer(p, 2, -1));
            case "find" -> (long) s.indexOf(str(p, 0));
            case "count" -> count(s, str(p, 0));
            case "join" -> join(s, p.length > 0 ? p[0] : null);
            default -> NOT_A_METHOD;
        };
    }

    private static boolean affix(String s, Object[] p, boolean prefix) {
        Object arg = p.length > 0 ? p[0] : null;
        List<?> options = arg instanceof List<?> l ? l : List.of(String.valueOf(arg));
        for (Object o : options) {
            String a = String.valueOf(o);
            if (prefix ? s.startsWith(a) : s.endsWith(a)) return true;
        }
        return false;
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) return s.length() + 1L;
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    private static String join(String sep, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> it) it.forEach(o -> parts.add(String.valueOf(o)));
        return String.join(sep, parts);
    }

    private static String str(Object[] p, int i) {
        return p.length > i && p[i] != null ? p[i].toString() : null;
    }

    private static int integer(Object[] p, int i, int absent) {
        return p.length > i && p[i] instanceof Number n ? n.intValue() : absent;
    }

    /** A dict method reached as an attribute ({@code spec.items}): it has no attributes, as in Jinja2. */
    record BoundMethod(String name) {
        @Override
        public String toString() {
            return "<built-in method " + name + " of dict object>";
        }
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (property instanceof String p && p.startsWith(TemplateSource.DICT_METHOD)) {
            context.setPropertyResolved(true);
            String name = p.substring(TemplateSource.DICT_METHOD.length());
            if (base instanceof Namespace ns) return ns.get(name);
            return base instanceof Map<?, ?> ? new BoundMethod(name) : null;
        }
        if (!(base instanceof ForLoop loop) || property == null) return null;
        boolean previous = property.toString().equals("previtem");
        if (!previous && !property.toString().equals("nextitem")) return null;
        context.setPropertyResolved(true);
        if (!(JinjavaInterpreter.getCurrent().getContext().get(PythonForTag.ITEMS) instanceof List<?> items)) return null;
        int at = loop.getIndex0() + (previous ? -1 : 1);
        return at >= 0 && at < items.size() ? items.get(at) : null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // read-only: strings have no settable properties
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
