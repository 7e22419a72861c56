package io.tooltune.data.synth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Makes up key values in the style of a domain's listed ones, so that a domain has hundreds of entities rather than
 * a dozen. With a dozen, a model trained on a few thousand queries can write the entity it saw most often for an
 * API and still be right one time in twelve; with hundreds, most test entities never occur in training and the
 * only way to the right argument is to copy it from the query, as with real ToolBench queries.
 * <p>Styles: digits are redrawn ("PL-1175" → "PL-4829"); short upper-case codes get new letters ("QVX" → "TKD");
 * values of several words (or parts joined by '-') keep their head and take another value's last word
 * ("Northgate United" + "Harbor City Hawks" → "Northgate Hawks"); single words join the front half of one to the
 * back half of another ("Oslo" + "Lima" → "Osma").
 */
final class KeyValueMaker {
    private KeyValueMaker() {}

    /** The listed values, then made-up ones, {@code total} in all (fewer when the styles run out). */
    static List<String> pool(List<String> listed, int total, Random rnd) {
        Set<String> out = new LinkedHashSet<>(listed);
        for (int attempt = 0; out.size() < total && attempt < 50 * total; attempt++) {
            String made = variant(listed.get(rnd.nextInt(listed.size())), listed.get(rnd.nextInt(listed.size())), rnd);
            if (!made.isBlank()) out.add(made);
        }
        return List.copyOf(out);
    }

    static String variant(String a, String b, Random rnd) {
        if (a.chars().anyMatch(Character::isDigit)) return redrawDigits(a, rnd);
        if (isCode(a)) return newLetters(a, rnd);
        int cut = lastSeparator(a);
        if (cut > 0) {
            String tail = a.substring(cut + 1);
            int otherCut = lastSeparator(b);
            String newTail = isCode(tail) ? newLetters(tail, rnd) : otherCut > 0 ? b.substring(otherCut + 1) : tail;
            return a.substring(0, cut + 1) + newTail;
        }
        return splice(a, b);
    }

    private static int lastSeparator(String s) {
        return Math.max(s.lastIndexOf(' '), s.lastIndexOf('-'));
    }

    /** Two to four upper-case letters: a ticker, an airport or a currency. */
    private static boolean isCode(String s) {
        return s.length() >= 2 && s.length() <= 4 && s.chars().allMatch(c -> c >= 'A' && c <= 'Z');
    }

    private static String newLetters(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) sb.append((char) ('A' + rnd.nextInt(26)));
        return sb.toString();
    }

    /** Each digit redrawn; a run's first digit stays non-zero when it was, so numbers keep their length. */
    private static String redrawDigits(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean runStart = i == 0 || !Character.isDigit(s.charAt(i - 1));
            if (!Character.isDigit(c)) sb.append(c);
            else if (runStart && c != '0') sb.append((char) ('1' + rnd.nextInt(9)));
            else sb.append((char) ('0' + rnd.nextInt(10)));
        }
        return sb.toString();
    }

    private static String splice(String a, String b) {
        return a.substring(0, (a.length() + 1) / 2) + b.substring(b.length() / 2);
    }
}
