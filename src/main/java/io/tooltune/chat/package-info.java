/**
 * Chat templates and native tool calls.
 *
 * <p>{@link io.tooltune.chat.ModelChatTemplates} reads a model folder's templates; {@link io.tooltune.chat.ChatTemplate}
 * renders one as transformers' {@code apply_chat_template} does with Python Jinja2 (Jinjava underneath, with the
 * differences real templates hit closed: see {@code TemplateEnvironment}, {@code TemplateSource},
 * {@code PythonResolver}, {@code PythonForTag}). {@link io.tooltune.chat.ToolCallFormat} picks the tool-call syntax a
 * template teaches and parses model replies into OpenAI tool calls.
 *
 * <p>Known differences from Jinja2 (none hit by the reference templates): Jinjava cannot tell {@code None} from
 * undefined, so {@code {{ none }}} prints nothing and {@code x is defined} is false for a JSON null; where Python
 * raises (iterating None, adding None or a dict to a string, an undefined attribute in arithmetic) the render goes on;
 * {@code None}/{@code True} inside a printed list print as {@code null}/{@code true}; slices with a step other than
 * {@code [::-1]} are not parsed; markupsafe's escaping of {@code "..."|safe + text} is not reproduced.
 */
package io.tooltune.chat;
