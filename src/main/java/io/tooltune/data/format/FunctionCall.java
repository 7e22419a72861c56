package io.tooltune.data.format;

/** An assistant message's call: function name and its arguments as the raw JSON string the model wrote. */
public record FunctionCall(String name, String arguments) {}
