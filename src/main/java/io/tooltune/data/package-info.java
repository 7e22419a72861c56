/**
 * ToolBench data in Java. Entry points:
 * <ul>
 *   <li>{@link io.tooltune.data.format.DataFiles}: read/write every ToolBench format — queries
 *       ({@link io.tooltune.data.format.Query}), query-id files, raw answers ({@link io.tooltune.data.format.RawAnswer}
 *       with {@link io.tooltune.data.format.ChatMessage} train_messages and {@link io.tooltune.data.format.SearchNode}
 *       trees/chains), ToolLLaMA files ({@link io.tooltune.data.format.ToolLlamaExample}), converted ToolEval answers
 *       ({@link io.tooltune.data.format.ConvertedAnswer}), tool JSONs ({@link io.tooltune.data.format.ToolJson}).
 *       Streaming variants take a {@link io.tooltune.data.format.RecordLog} that reports and counts bad records.</li>
 *   <li>{@link io.tooltune.data.format.RawAnswerWriter}: raw answer files as the agent and synth write them;
 *       {@link io.tooltune.data.format.TestGroup}: the six test groups.</li>
 *   <li>{@link io.tooltune.data.format.ToolNames}, {@link io.tooltune.data.FunctionSchemas}: naming rules and API → function
 *       dicts (Finish in both wordings).</li>
 *   <li>{@link io.tooltune.data.python}: Python's {@code repr}, literal parsing, {@code json.dumps} layout and
 *       {@code str} semantics, which ToolBench's texts are made of.</li>
 *   <li>{@link io.tooltune.data.ToolLlamaPrompt}: system/user prompts, training and inference rendering.</li>
 *   <li>{@link io.tooltune.data.ToolLlamaConverter}, {@link io.tooltune.data.TrainingSources},
 *       {@link io.tooltune.data.SftEncoder}: trajectories → ToolLLaMA instances → token ids and labels.</li>
 * </ul>
 */
package io.tooltune.data;
