package io.tooltune.eval;

/**
 * How judge verdicts become a pass. {@link #TOOLBENCH}: ToolEval's rules (an Unsure pass is a coin flip, a 2–2 tie
 * passes, an answer the judge finds unsolvable passes). {@link #STRICT}: an Unsure verdict fails, ties fail, an
 * unsolvable verdict passes only for queries marked unsolvable, and a solved answer passes only when its facts are
 * grounded in its observations ({@link Grounding}).
 */
public enum RuleSet {
    TOOLBENCH, STRICT;

    public String label() {
        return this == TOOLBENCH ? "toolbench" : "strict";
    }
}
