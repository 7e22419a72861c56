package io.tooltune.generate.constrain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compiled grammars by a caller's key (a function list, a schema), least recently used dropped first. A grammar keeps
 * the states and token masks it has met, so reusing one across requests is what makes its masks cheap.
 */
public final class GrammarCache {
    private final Map<String, Grammar> grammars;

    public GrammarCache(int capacity) {
        this.grammars = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Grammar> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The grammar cached under {@code key}, else {@code compile}'s (compiled outside the lock, then kept). */
    public Grammar get(String key, Supplier<Grammar> compile) {
        synchronized (grammars) {
            Grammar g = grammars.get(key);
            if (g != null) return g;
        }
        Grammar g = compile.get();
        synchronized (grammars) {
            grammars.put(key, g);
        }
        return g;
    }
}
