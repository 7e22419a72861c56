package io.tooltune.eval.bfcl;

import io.tooltune.BadInputException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in the input files, each naming its file and line. Reading goes on past a bad line so one
 * run reports them all; {@link #throwIfAny} then ends the run (exit 2) before anything is scored.
 */
final class InputProblems {
    private final List<String> problems = new ArrayList<>();

    void add(String problem) {
        problems.add(problem);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Prints all problems but the first to {@code err}, then throws with the first and the count. */
    void throwIfAny(PrintStream err) {
        if (problems.isEmpty()) return;
        for (int k = 1; k < problems.size(); k++) err.println("tooltune: " + problems.get(k));
        String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems, listed above)" : "";
        throw new BadInputException(problems.get(0) + more);
    }
}
