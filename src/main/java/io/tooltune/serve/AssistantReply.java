package io.tooltune.serve;

import java.util.List;

/** What goes back to the client: plain content, or tool calls (content null, finish_reason "tool_calls"). */
public record AssistantReply(String content, List<ChatRequest.ToolCall> toolCalls, String finishReason) {
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /**
     * OpenAI's stop sequences applied to what the client sees: content cut before the earliest occurrence of any of
     * {@code stops} (finish_reason "stop"); tool calls and content without a stop string unchanged.
     */
    public AssistantReply stoppedAt(List<String> stops) {
        if (content == null) return this;
        int cut = -1;
        for (String s : stops) {
            int at = s.isEmpty() ? -1 : content.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        return cut < 0 ? this : new AssistantReply(content.substring(0, cut), toolCalls, "stop");
    }
}
