package io.tooltune.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectIterator;
import com.hubspot.jinjava.util.ObjectTruthValue;
import org.apache.commons.lang3.tuple.Pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jinjava's {@code for} with what Jinja2 adds: a filter ({@code for key, val in tool.items() if key != "return"},
 * which Jinjava reads as a conditional expression and ignores), the loop then running over the kept items only,
 * and those items kept in scope for {@code loop.previtem}/{@code loop.nextitem} ({@link PythonResolver}).
 */
final class PythonForTag extends ForTag {
    static final String ITEMS = "__loop_items__";

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        Pair<List<String>, String> varsAndExpression = getLoopVarsAndExpression((TagToken) tagNode.getMaster());
        List<String> vars = varsAndExpression.getLeft();
        String expression = varsAndExpression.getRight();
        int filterAt = TemplateSource.topLevelWord(expression, "if");
        String iterable = filterAt < 0 ? expression : expression.substring(0, filterAt);
        Object collection = interpreter.resolveELExpression(iterable, tagNode.getLineNumber());
        List<Object> items = new ArrayList<>();
        ForLoop all = ObjectIterator.getLoop(collection);
        while (all.hasNext()) {
            Object item = all.next();
            if (filterAt < 0 || kept(item, vars, expression.substring(filterAt + 2), tagNode, interpreter)) items.add(item);
        }
        try (var scope = interpreter.enterScope()) {
            interpreter.getContext().put(ITEMS, items);
            return renderForCollection(tagNode, interpreter, vars, items);
        }
    }

    private static boolean kept(Object item, List<String> vars, String condition, TagNode tagNode, JinjavaInterpreter interpreter) {
        try (var scope = interpreter.enterScope()) {
            if (vars.size() == 1) {
                interpreter.getContext().put(vars.get(0), item);
            } else if (item instanceof Map.Entry<?, ?> e) {
                interpreter.getContext().put(vars.get(0), e.getKey());
                interpreter.getContext().put(vars.get(1), e.getValue());
            } else if (item instanceof List<?> parts) {
                for (int i = 0; i < vars.size() && i < parts.size(); i++) interpreter.getContext().put(vars.get(i), parts.get(i));
            }
            return ObjectTruthValue.evaluate(interpreter.resolveELExpression(condition, tagNode.getLineNumber()));
        }
    }
}
