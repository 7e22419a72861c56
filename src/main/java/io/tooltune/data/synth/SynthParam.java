package io.tooltune.data.synth;

/** A ToolBench API parameter: {name, type, description, default}, types as RapidAPI writes them. */
public record SynthParam(String name, String type, String description, String defaultValue) {}
