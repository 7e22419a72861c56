/**
 * Python behaviour that ToolBench's and ToolEval's files and prompts depend on, reproduced exactly:
 * {@link io.tooltune.data.python.PythonRepr} ({@code repr}), {@link io.tooltune.data.python.PythonLiteral}
 * ({@code ast.literal_eval} of a repr), {@link io.tooltune.data.python.PythonJson} ({@code json.dumps} text and
 * {@code json.dump} file layout) and {@link io.tooltune.data.python.PythonStr} ({@code str} slicing and strip).
 */
package io.tooltune.data.python;
