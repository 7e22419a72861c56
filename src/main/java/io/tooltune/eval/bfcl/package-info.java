/**
 * The Berkeley Function Calling Leaderboard (BFCL v4), single-turn categories in prompt mode, judged as BFCL judges
 * them. Entry points:
 * <ul>
 *   <li>{@link io.tooltune.eval.bfcl.BfclReport#scoreAndWrite}: {@code tooltune bfcl score}, result files to
 *       verdicts.jsonl, scores.json and the table; {@link io.tooltune.eval.bfcl.BfclScorer} judges,
 *       {@link io.tooltune.eval.bfcl.Leaderboard} aggregates with BFCL's weights.</li>
 *   <li>{@link io.tooltune.eval.bfcl.BfclRun}: {@code tooltune bfcl run}, BFCL's prompt
 *       ({@link io.tooltune.eval.bfcl.BfclPrompt}) to a {@link io.tooltune.eval.bfcl.PromptModel} (an
 *       OpenAI-compatible endpoint or a local model), resumable.</li>
 * </ul>
 * Inside: {@code PyLexer}/{@code PyParser}/{@code PyUnparser}/{@code PyArithmetic} reproduce the parts of CPython
 * that BFCL's decoder ({@code CallDecoder}) relies on, {@code Py} models Python values and equality, and
 * {@code AstChecker} is BFCL's ast_checker.
 */
package io.tooltune.eval.bfcl;
