package io.tooltune.data.synth;

import java.util.List;

/**
 * One API of a synthetic tool. {@code kind} says how it answers: a LOOKUP reports {@code attributes} of the entity
 * named by {@code keyParam}; SEARCH returns matching entities with their ids; DETAILS reports every attribute of
 * the tool for an id; LIST names the known entities.
 */
public record SynthApi(String name, String description, String method, List<SynthParam> required,
                       List<SynthParam> optional, Kind kind, String keyParam, List<Domain.Attribute> attributes) {

    public enum Kind { LOOKUP, SEARCH, DETAILS, LIST }
}
