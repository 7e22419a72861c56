package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The strict rules' automatic grounding check: every number and named entity of the final answer must occur in a
 * tool observation of the answer's main path (or in the query, which the answer may repeat). Numbers are digit runs
 * of two or more digits (single digits are list markers and counts); named entities are capitalised words that do not
 * open a sentence or list item, and words holding a digit or written in capitals wherever they stand. Matching ignores
 * case and thousands separators. A cut-off observation can only hold fewer facts, so on truncated evalsets the check
 * is a lower bound.
 */
public record Grounding(int facts, List<String> ungrounded) {
    private static final Pattern NUMBER = Pattern.compile("(?<![\\p{L}\\p{N}])\\d[\\d,]*(?:\\.\\d+)?");
    private static final Pattern WORD = Pattern.compile("(?<![\\p{L}\\p{N}])\\p{Lu}[\\p{L}\\p{N}&'-]*[\\p{L}\\p{N}]");
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");
    private static final Set<String> NOT_ENTITIES = Set.of("i", "i'm", "i've", "i'll", "ok", "url", "api", "usd", "id");

    public boolean grounded() {
        return ungrounded.isEmpty();
    }

    /** Checks the answer's final answer text against its observations and the query; null when it has no final answer. */
    public static Grounding of(String query, JsonNode answer) {
        String text = FinalAnswer.parse(answer.path("final_answer").asText("")).text();
        if (text.isBlank()) return null;
        StringBuilder sources = new StringBuilder(query).append('\n');
        for (ToolCall c : ToolCall.mainPath(answer)) if (!c.isFinish()) sources.append(c.response()).append('\n');
        return check(text, sources.toString());
    }

    /** The facts of {@code text} and those of them {@code sources} does not hold. */
    public static Grounding check(String text, String sources) {
        String src = normalise(sources);
        Set<String> facts = new LinkedHashSet<>(facts(text));
        List<String> missing = new ArrayList<>();
        for (String f : facts) if (!src.contains(normalise(f))) missing.add(f);
        return new Grounding(facts.size(), missing);
    }

    static List<String> facts(String text) {
        List<String> out = new ArrayList<>();
        Matcher n = NUMBER.matcher(text);
        while (n.find()) {
            String num = n.group().replaceAll("[,.]+$", "");
            if (num.replace(",", "").length() >= 2) out.add(num);
        }
        Matcher w = WORD.matcher(text);
        while (w.find()) {
            String word = w.group();
            if (NOT_ENTITIES.contains(word.toLowerCase(Locale.ROOT))) continue;
            boolean marked = word.chars().anyMatch(Character::isDigit) || word.equals(word.toUpperCase(Locale.ROOT));
            if (marked || !opensSentence(text, w.start())) out.add(word);
        }
        return out;
    }

    /** True when only whitespace, list markers or numbering stand between the word and a sentence end or line start. */
    private static boolean opensSentence(String text, int at) {
        int i = at - 1;
        while (i >= 0 && (Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '\n' || "-*#>•\"'(".indexOf(text.charAt(i)) >= 0)) i--;
        if (i < 0 || text.charAt(i) == '\n') return true;
        char c = text.charAt(i);
        if (c == '.' || c == ')') {
            int j = i - 1;
            while (j >= 0 && Character.isDigit(text.charAt(j))) j--;
            if (j < i - 1 && (j < 0 || Character.isWhitespace(text.charAt(j)))) return true;
        }
        return c == '.' || c == '!' || c == '?';
    }

    private static String normalise(String s) {
        Matcher m = UNICODE_ESCAPE.matcher(s);
        String decoded = m.replaceAll(r -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(r.group(1), 16))));
        return decoded.toLowerCase(Locale.ROOT).replaceAll("(?<=\\d),(?=\\d{3})", "");
    }
}
