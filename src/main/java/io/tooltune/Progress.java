package io.tooltune;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Progress for long work: a live bar with ETA on a terminal, and a plain line every few percent otherwise
 * (CI logs, pipes), so a log never fills with carriage returns.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final String task;
    private long total;
    private final PrintStream plain;
    private long current;
    private long lastPrinted = -1;
    private String extra = "";
    private final long started = System.nanoTime();

    private Progress(String task, long total, boolean interactive) {
        this.task = task;
        this.total = total;
        if (interactive) {
            this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            this.plain = null;
        } else {
            this.bar = null;
            this.plain = System.err;
        }
    }

    /** A bar on a terminal, plain lines elsewhere (or when TOOLTUNE_PLAIN_PROGRESS is set). */
    public static Progress start(String task, long total) {
        boolean interactive = System.getenv("CI") == null && System.getenv("TOOLTUNE_PLAIN_PROGRESS") == null
                && consoleIsTerminal() && isTerminalDevice(stderrTarget());
        return new Progress(task, total, interactive);
    }

    /**
     * Whether the JVM's console is an interactive terminal. Since JDK 22 {@code System.console()} is not null
     * when output is redirected, and only {@code Console.isTerminal()} (absent from the JDK 21 API) tells.
     */
    private static boolean consoleIsTerminal() {
        Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only for a terminal
        }
    }

    /** Where standard error goes (Linux), or null when that cannot be read. */
    private static String stderrTarget() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /**
     * Whether a file-descriptor target is a terminal device: the console can be a terminal while standard error
     * goes to a log file, and a bar redrawn there writes a line for every update. Unknown targets count as one.
     */
    static boolean isTerminalDevice(String target) {
        return target == null || target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /** Sets the trailing status text (loss, rate, ...). */
    public Progress status(String text) {
        extra = text;
        if (bar != null) bar.setExtraMessage(text);
        return this;
    }

    public void stepTo(long n) {
        current = n;
        if (bar != null) {
            bar.stepTo(n);
            return;
        }
        long bucket = total <= 0 ? n : (n * 20) / Math.max(1, total); // every 5%
        if (bucket > lastPrinted || n == total) { // only new highs: a re-estimated total moves the bucket both ways
            lastPrinted = bucket;
            double secs = (System.nanoTime() - started) / 1e9;
            String eta = n > 0 && total > n ? String.format(" eta %.0fs", secs / n * (total - n)) : "";
            plain.printf("%s %d/%d %.0fs%s %s%n", task, n, total, secs, eta, extra);
        }
    }

    /** Changes the expected total (work whose size is re-estimated as it goes). */
    public void retotal(long newTotal) {
        total = newTotal;
        if (bar != null) bar.maxHint(newTotal);
    }

    public void step() {
        stepTo(current + 1);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
