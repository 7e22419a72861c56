package io.tooltune.data.format;

/** One message of a ToolLLaMA conversation: {@code {"from": system|user|assistant|function, "value": ...}}. */
public record Turn(String from, String value) {}
