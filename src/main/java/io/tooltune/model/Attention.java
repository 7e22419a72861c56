package io.tooltune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.norm.Dropout;

/**
 * Scaled dot-product attention of both model families, with grouped-query heads and an optional shared prefix.
 *
 * <p>Grouped queries are stacked along the time axis ({@code [B,kv,group·T,D]}), so each key/value head is multiplied
 * once without copying keys and values. A shared prefix ({@code [1,kv,S,D]}, the first S key columns of every row)
 * is read once for all rows: the rows move into the time axis ({@code [1,kv,B·group·T,D]}) for its two products. Its
 * scores sit before the own columns' ones, so the bias ({@code [B,1,T,S+own]}) and one softmax cover both, as if
 * every row held a copy.
 */
public final class Attention {
    private Attention() {}

    /**
     * @param q          queries {@code [B,heads,T,D]}, already scaled
     * @param prefix     the shared prefix's keys and values {@code [1,kv,S,D]}, or null
     * @param k          own keys {@code [B,kv,K,D]}
     * @param v          own values {@code [B,kv,K,D]}
     * @param bias       additive bias {@code [B,1,T,S+K]}, or null when it hides nothing
     * @param softmaxFp32 whether half-precision scores go through the softmax in float32
     * @param dropout    attention dropout, applied only when {@code training}
     * @return the attended values {@code [B,T,heads·D]}
     */
    public static NDArray attend(NDArray q, NDArray[] prefix, NDArray k, NDArray v, NDArray bias, boolean softmaxFp32,
                                 double dropout, boolean training) {
        long b = q.getShape().get(0);
        long heads = q.getShape().get(1);
        long t = q.getShape().get(2);
        long d = q.getShape().get(3);
        long kvHeads = k.getShape().get(1);
        long rows = heads / kvHeads * t;
        long own = k.getShape().get(2);
        // without grouping (OPT, Llama without GQA) the reshapes would be no-ops, each one more node in a training graph
        boolean grouping = kvHeads != heads;
        NDArray grouped = grouping ? q.reshape(b, kvHeads, rows, d) : q;
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2));
        if (grouping) scores = scores.reshape(b, heads, t, own);
        long s = prefix == null ? 0 : prefix[0].getShape().get(2);
        if (prefix != null) {
            NDArray fromPrefix = allRows(grouped).matMul(prefix[0].transpose(0, 1, 3, 2));
            scores = NDArrays.concat(new NDList(perRow(fromPrefix, b).reshape(b, heads, t, s), scores), 3);
        }
        if (bias != null) scores = scores.add(bias);
        NDArray probs = !softmaxFp32 || scores.getDataType() == DataType.FLOAT32 ? scores.softmax(-1)
                : Casts.to(Casts.to(scores, DataType.FLOAT32).softmax(-1), scores.getDataType());
        if (training && dropout > 0) probs = Dropout.dropout(probs, (float) dropout, true).singletonOrThrow();
        NDArray out;
        if (prefix == null) {
            out = (grouping ? probs.reshape(b, kvHeads, rows, own) : probs).matMul(v);
        } else {
            NDArray prefixProbs = probs.get(new NDIndex().addAllDim(3).addSliceDim(0, s)).reshape(b, kvHeads, rows, s);
            NDArray ownProbs = probs.get(new NDIndex().addAllDim(3).addSliceDim(s, s + own)).reshape(b, kvHeads, rows, own);
            out = perRow(allRows(prefixProbs).matMul(prefix[1]), b).add(ownProbs.matMul(v));
        }
        return (grouping ? out.reshape(b, heads, t, d) : out).transpose(0, 2, 1, 3).reshape(b, t, heads * d);
    }

    /** {@code [B,kv,R,X]} to {@code [1,kv,B·R,X]}: every row's queries side by side. */
    private static NDArray allRows(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.transpose(1, 0, 2, 3).reshape(1, s[1], s[0] * s[2], s[3]);
    }

    /** The inverse of {@link #allRows}: {@code [1,kv,B·R,X]} to {@code [B,kv,R,X]}. */
    private static NDArray perRow(NDArray x, long b) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[1], b, s[2] / b, s[3]).transpose(1, 0, 2, 3);
    }
}
