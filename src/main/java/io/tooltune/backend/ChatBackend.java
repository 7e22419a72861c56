package io.tooltune.backend;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * One model turn for the agent: given the OpenAI-style history (messages may carry {@code "valid": false}) and
 * the function list, returns an assistant message ({@code content} and/or {@code function_call}). Safe to call
 * from several query threads at once; batching backends group concurrent calls.
 */
public interface ChatBackend extends AutoCloseable {
    /** {@code errorCode} != 0 marks a failed call (ToolBench prunes the node); {@code tokens} counts prompt + reply. */
    record Reply(ObjectNode message, int errorCode, int tokens) {}

    Reply chat(List<ObjectNode> messages, ArrayNode functions) throws IOException;

    /**
     * Told by the agent before its queries start: how many query threads may still call (those waiting in
     * {@link #chat} included). A batching backend may use it to batch deterministically; others ignore it.
     */
    default void expectCallers(IntSupplier callers) {}

    @Override
    default void close() {}
}
