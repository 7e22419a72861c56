/**
 * Judge-free checks of agent runs against the gold calls of a synthetic ToolBench: per query, were the gold APIs
 * called with the gold arguments and does the answer hold the gold facts ({@link io.tooltune.eval.exact.ExactCheck}),
 * scored per group ({@link io.tooltune.eval.exact.ExactScores}) and tabled ({@link io.tooltune.eval.exact.ExactTable}).
 */
package io.tooltune.eval.exact;
