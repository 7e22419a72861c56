package io.tooltune.data;

import io.tooltune.BadInputException;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * ToolLLaMA instances → token ids and labels for supervised fine-tuning, on the {@code tool-llama-single-round}
 * rendering. {@link LossOn#FINAL} is ToolBench's mask: loss only on the last assistant reply and its {@code </s>};
 * {@link LossOn#ALL_ASSISTANT} puts loss on every assistant turn and the delimiter after it. The text before a
 * labelled span and the span itself are tokenized separately, so labels cover exactly the reply's tokens
 * (ToolBench instead subtracts a LLaMA-specific offset). Over {@code maxLength}, the oldest context tokens after
 * the BOS are cut; an instance whose final reply alone does not fit is refused.
 */
public final class SftEncoder {
    public static final long IGNORE = -100;

    public enum LossOn { FINAL, ALL_ASSISTANT }

    /** An encoded instance; {@code cut} is the number of context tokens removed to fit. */
    public record Encoded(String id, long[] inputIds, long[] labels, int cut) {}

    private final Tokenizer tokenizer;
    private final LossOn lossOn;
    private final int maxLength;
    private final long eos;
    private final int bosCount;

    /** @param maxLength 0 for no limit */
    public SftEncoder(Tokenizer tokenizer, LossOn lossOn, int maxLength) {
        this.tokenizer = tokenizer;
        this.lossOn = lossOn;
        this.maxLength = maxLength;
        long[] e = tokenizer.encode(ToolLlamaPrompt.EOS, false);
        if (e.length != 1) throw new BadInputException("tokenizer: \"</s>\" is not a single token, cannot mark the end of a reply");
        this.eos = e[0];
        this.bosCount = tokenizer.encode("", true).length;
    }

    /** Encodes one instance; throws BadInputException (record problem) when it cannot be used. */
    public Encoded encode(ToolLlamaExample example) {
        List<Turn> turns = example.conversations();
        Turn last = turns.get(turns.size() - 1);
        if (!last.from().equals("assistant")) throw new BadInputException("last message is \"" + last.from() + "\", not an assistant reply");
        for (Turn t : turns) checkRole(t.from());
        Builder b = new Builder();
        if (lossOn == LossOn.FINAL) {
            String text = ToolLlamaPrompt.renderTraining(turns);
            String body = text.substring(0, text.length() - ToolLlamaPrompt.EOS.length());
            // ToolBench masks everything up to the LAST "\nAssistant: " of the rendered text
            int at = body.lastIndexOf(ToolLlamaPrompt.ASSISTANT_SEP) + ToolLlamaPrompt.ASSISTANT_SEP.length();
            b.masked(body.substring(0, at));
            b.labelled(body.substring(at), true);
        } else {
            for (int i = 0; i < turns.size(); i++) {
                Turn t = turns.get(i);
                boolean end = i == turns.size() - 1;
                b.masked(ToolLlamaPrompt.roleName(t.from()) + ": ");
                if (t.from().equals("assistant")) {
                    b.labelled(t.value() + (end ? "" : "\n"), end);
                } else {
                    b.masked(t.value() + "\n");
                }
            }
        }
        return b.finish(example.id());
    }

    private static String checkRole(String from) {
        if (!List.of("system", "user", "function", "assistant").contains(from)) {
            throw new BadInputException("unknown role \"" + from + "\"");
        }
        return from;
    }

    /** Accumulates masked text (tokenized lazily, in one piece) and labelled spans. */
    private final class Builder {
        private long[] ids = new long[0];
        private long[] labels = new long[0];
        private final StringBuilder pending = new StringBuilder();
        private boolean first = true;
        private int finalStart = -1;

        void masked(String text) {
            pending.append(text);
        }

        void labelled(String text, boolean withEos) {
            flush();
            finalStart = ids.length;
            long[] t = tokenizer.encode(text, false);
            if (withEos) {
                t = Arrays.copyOf(t, t.length + 1);
                t[t.length - 1] = eos;
            }
            append(t, true);
        }

        private void flush() {
            if (pending.isEmpty() && !first) return;
            append(tokenizer.encode(pending.toString(), first), false);
            first = false;
            pending.setLength(0);
        }

        private void append(long[] t, boolean label) {
            int n = ids.length;
            ids = Arrays.copyOf(ids, n + t.length);
            labels = Arrays.copyOf(labels, n + t.length);
            System.arraycopy(t, 0, ids, n, t.length);
            for (int i = 0; i < t.length; i++) labels[n + i] = label ? t[i] : IGNORE;
        }

        Encoded finish(String id) {
            flush();
            int cut = 0;
            if (maxLength > 0 && ids.length > maxLength) {
                cut = ids.length - maxLength;
                if (finalStart - bosCount < cut) {
                    throw new BadInputException("final reply needs " + (ids.length - finalStart) + " tokens, more than --max-length "
                            + maxLength + " leaves");
                }
                ids = cutAfterBos(ids, cut);
                labels = cutAfterBos(labels, cut);
            }
            return new Encoded(id, ids, labels, cut);
        }

        private long[] cutAfterBos(long[] a, int cut) {
            long[] out = new long[a.length - cut];
            System.arraycopy(a, 0, out, 0, bosCount);
            System.arraycopy(a, bosCount + cut, out, bosCount, a.length - bosCount - cut);
            return out;
        }
    }
}
