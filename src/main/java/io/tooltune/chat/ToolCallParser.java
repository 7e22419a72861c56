package io.tooltune.chat;

/** Reads the tool calls a chat format teaches out of a model's reply; never throws on what the model wrote. */
public interface ToolCallParser {
    ParsedReply parse(String output);
}
