package io.tooltune.data.format;

import io.tooltune.BadInputException;

import java.io.PrintStream;

/**
 * Counts records read, written and skipped in one run. A malformed record is reported (file, record index,
 * reason) and skipped, or, when strict, ends the run with a {@link BadInputException}. Nothing is dropped silently.
 */
public final class RecordLog {
    private final boolean strict;
    private final PrintStream err;
    private long read;
    private long written;
    private long skipped;

    public RecordLog(boolean strict, PrintStream err) {
        this.strict = strict;
        this.err = err;
    }

    public void read() {
        read++;
    }

    public void written(long n) {
        written += n;
    }

    /** Reports one bad record; throws when strict. {@code index} is the record's position in its file (0-based). */
    public void skip(String file, long index, String reason) {
        skip(file + (index >= 0 ? " record " + index : "") + ": " + reason);
    }

    /** Reports one bad record whose message already names the file and record. */
    public void skip(String message) {
        String msg = message;
        if (strict) throw new BadInputException(msg);
        skipped++;
        if (err != null) err.println("skipped " + msg);
    }

    public long readCount() {
        return read;
    }

    public long writtenCount() {
        return written;
    }

    public long skippedCount() {
        return skipped;
    }

    public String summary() {
        return "read " + read + ", written " + written + ", skipped " + skipped;
    }
}
