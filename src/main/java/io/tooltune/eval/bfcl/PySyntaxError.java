package io.tooltune.eval.bfcl;

/** Text that CPython's parser would reject, or a construct BFCL's decoder cannot turn into a value. */
final class PySyntaxError extends RuntimeException {
    PySyntaxError(String message) {
        super(message, null, false, false);
    }
}
