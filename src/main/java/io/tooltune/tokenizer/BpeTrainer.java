package io.tooltune.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 / OPT style) on a corpus: text is split by the ByteLevel
 * pre-tokenizer's regex, each piece's UTF-8 bytes are mapped to GPT-2's printable byte alphabet, and the most
 * frequent adjacent pair is merged until the vocabulary is full. Ties go to the lexicographically smallest pair
 * (left symbol, then right), so the same corpus always gives the same tokenizer. Ids: the four OPT specials
 * {@code <s>=0 <pad>=1 </s>=2 <unk>=3}, then the 256 byte symbols in byte order, then one id per merge.
 */
public final class BpeTrainer {
    /** The regex of HF tokenizers' ByteLevel pre-tokenizer (GPT-2's). */
    static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    public static final List<String> SPECIALS = List.of("<s>", "<pad>", "</s>", "<unk>");
    private static final String[] BYTE_SYMBOLS = bytesToUnicode();

    private BpeTrainer() {}

    /** The trained vocabulary (token → id, in id order) and merges in rank order ("left right"). */
    public record Bpe(Map<String, Integer> vocab, List<String> merges) {
        /** Writes tokenizer.json, vocab.json and merges.txt into {@code dir}. */
        public void save(Path dir) throws IOException {
            Files.createDirectories(dir);
            ObjectNode v = Json.MAPPER.createObjectNode();
            vocab.forEach(v::put);
            ArrayNode m = Json.MAPPER.createArrayNode();
            merges.forEach(m::add);
            Files.writeString(dir.resolve("tokenizer.json"), ByteLevelBpeJson.build(v, m), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("vocab.json"), Json.MAPPER.writeValueAsString(v), StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder("#version: 0.2\n");
            merges.forEach(line -> sb.append(line).append('\n'));
            Files.writeString(dir.resolve("merges.txt"), sb.toString(), StandardCharsets.UTF_8);
        }
    }

    /** Trains on {@code texts} until the vocabulary has {@code vocabSize} entries (or no pair occurs twice). */
    public static Bpe train(Iterable<String> texts, int vocabSize) {
        int base = SPECIALS.size() + 256;
        if (vocabSize < base) throw new IllegalArgumentException("vocab size must be at least " + base);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : SPECIALS) vocab.put(s, vocab.size());
        for (String s : BYTE_SYMBOLS) vocab.put(s, vocab.size());
        List<String> symbols = new ArrayList<>(vocab.keySet());

        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : texts) {
            Matcher m = PRE_TOKENIZER.matcher(text);
            while (m.find()) wordCounts.merge(m.group(), 1, Integer::sum);
        }
        List<int[]> words = new ArrayList<>(wordCounts.size());
        List<Integer> freqs = new ArrayList<>(wordCounts.size());
        wordCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] w = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) w[i] = SPECIALS.size() + (bytes[i] & 0xff);
            words.add(w);
            freqs.add(e.getValue());
        });

        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int wi = 0; wi < words.size(); wi++) countPairs(words.get(wi), freqs.get(wi), wi, pairCounts, where);

        PriorityQueue<long[]> heap = new PriorityQueue<>((a, b) -> {
            if (a[1] != b[1]) return Long.compare(b[1], a[1]);
            return compareByText(a[0], b[0], symbols);
        });
        pairCounts.forEach((p, c) -> heap.add(new long[] {p, c}));

        List<String> merges = new ArrayList<>();
        while (vocab.size() < vocabSize && !heap.isEmpty()) {
            long[] top = heap.poll();
            long current = pairCounts.getOrDefault(top[0], 0L);
            if (current != top[1]) { // stale entry: requeue with its current count
                if (current > 0) heap.add(new long[] {top[0], current});
                continue;
            }
            if (current < 2) break;
            int left = (int) (top[0] >>> 32), right = (int) top[0];
            String merged = symbols.get(left) + symbols.get(right);
            int id = vocab.size();
            vocab.put(merged, id);
            symbols.add(merged);
            merges.add(symbols.get(left) + " " + symbols.get(right));

            Set<Integer> touched = new HashSet<>();
            for (int wi : where.getOrDefault(top[0], Set.of())) touched.add(wi);
            Set<Long> changed = new HashSet<>();
            for (int wi : touched) {
                int[] w = words.get(wi);
                int f = freqs.get(wi);
                uncountPairs(w, f, pairCounts, changed);
                int[] nw = mergeWord(w, left, right, id);
                words.set(wi, nw);
                countPairs(nw, f, wi, pairCounts, where);
                addPairs(nw, changed);
            }
            for (long p : changed) {
                long c = pairCounts.getOrDefault(p, 0L);
                if (c > 0) heap.add(new long[] {p, c});
            }
        }
        return new Bpe(vocab, merges);
    }

    private static int compareByText(long a, long b, List<String> symbols) {
        int c = symbols.get((int) (a >>> 32)).compareTo(symbols.get((int) (b >>> 32)));
        return c != 0 ? c : symbols.get((int) a).compareTo(symbols.get((int) b));
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static void countPairs(int[] w, int f, int wi, Map<Long, Long> counts, Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < w.length; i++) {
            long p = pair(w[i], w[i + 1]);
            counts.merge(p, (long) f, Long::sum);
            where.computeIfAbsent(p, k -> new HashSet<>()).add(wi);
        }
    }

    private static void uncountPairs(int[] w, int f, Map<Long, Long> counts, Set<Long> changed) {
        for (int i = 0; i + 1 < w.length; i++) {
            long p = pair(w[i], w[i + 1]);
            counts.merge(p, (long) -f, Long::sum);
            changed.add(p);
        }
    }

    private static void addPairs(int[] w, Set<Long> changed) {
        for (int i = 0; i + 1 < w.length; i++) changed.add(pair(w[i], w[i + 1]));
    }

    private static int[] mergeWord(int[] w, int left, int right, int id) {
        int[] out = new int[w.length];
        int n = 0;
        for (int i = 0; i < w.length; i++) {
            if (i + 1 < w.length && w[i] == left && w[i + 1] == right) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = w[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256 up. */
    private static String[] bytesToUnicode() {
        String[] table = new String[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) {
            table[b] = new String(Character.toChars(printable[b] ? b : 256 + next++));
        }
        return table;
    }
}
