package io.tooltune.generate.constrain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Free text as grammar rules: any characters but control ones (newline and tab allowed), avoiding given phrases. */
final class TextRules {
    private TextRules() {}

    /**
     * Any text (possibly empty) in which none of {@code phrases} occurs: a rule per state of the phrases'
     * Aho-Corasick automaton, leaving out the transitions that complete a phrase.
     */
    static Rule avoiding(Set<String> phrases) {
        // trie nodes are the prefixes of the phrases; a node is forbidden when it ends with a whole phrase
        TreeSet<String> prefixes = new TreeSet<>();
        for (String p : phrases) for (int i = 0; i <= p.length(); i++) prefixes.add(p.substring(0, i));
        StringBuilder alphabet = new StringBuilder();
        for (String p : phrases) for (char c : p.toCharArray()) if (alphabet.indexOf(String.valueOf(c)) < 0) alphabet.append(c);
        Map<String, Rule> rules = new HashMap<>();
        for (String node : prefixes) if (!endsWithPhrase(node, phrases)) rules.put(node, new Rule("text after " + node));
        CharClass others = except(alphabet.toString());
        for (Map.Entry<String, Rule> e : rules.entrySet()) {
            Rule r = e.getValue();
            r.alt();
            for (char c : alphabet.toString().toCharArray()) {
                Rule target = rules.get(longestPrefixSuffix(e.getKey() + c, prefixes));
                if (target != null && !endsWithPhrase(e.getKey() + c, phrases)) r.alt(CharClass.of(c), target);
            }
            r.alt(others, rules.get(""));
            r.alt(JsonRules.HIGH_SURROGATE, JsonRules.LOW_SURROGATE, rules.get(""));
        }
        return rules.get("");
    }

    private static boolean endsWithPhrase(String s, Set<String> phrases) {
        for (String p : phrases) if (s.endsWith(p)) return true;
        return false;
    }

    /** The longest suffix of {@code s} that is a prefix of some phrase (the Aho-Corasick state after reading s). */
    private static String longestPrefixSuffix(String s, Set<String> prefixes) {
        for (int i = 0; i <= s.length(); i++) if (prefixes.contains(s.substring(i))) return s.substring(i);
        return "";
    }

    private static CharClass except(String chars) {
        List<CharClass> parts = new ArrayList<>();
        parts.add(CharClass.rangeExcept(' ', '\uD7FF', chars));
        parts.add(CharClass.rangeExcept('\uE000', '\uFFFF', chars));
        parts.add(CharClass.rangeExcept('\t', '\n', chars));
        CharClass out = parts.get(0);
        for (int i = 1; i < parts.size(); i++) out = out.or(parts.get(i));
        return out;
    }
}
