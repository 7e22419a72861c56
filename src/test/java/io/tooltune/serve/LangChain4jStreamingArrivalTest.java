package io.tooltune.serve;

import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StreamingArrivalTest}'s gate with LangChain4j's OpenAiStreamingChatModel (its JDK HTTP client and SSE
 * parser): each partial response reaches the handler while the decoder is held before the next piece.
 */
class LangChain4jStreamingArrivalTest {
    @Test
    void langChain4jSeesEachPartialResponseBeforeTheNextPieceIsDecoded() throws Exception {
        StreamingArrivalTest.Gate gate = new StreamingArrivalTest.Gate();
        List<Integer> seen = new ArrayList<>();
        String text;
        try (ChatServer server = ServeTestSupport.start(StreamingArrivalTest.pieces(gate, StreamingArrivalTest.ANSWER))) {
            text = stream(OpenAiStreamingChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused")
                    .modelName("gated"), "Count to five", gate, seen);
        }
        assertEquals("one two three four five", text);
        StreamingArrivalTest.assertArrivedPieceByPiece(gate, seen, 5);
    }

    /** The small random OPT answering in JSON, held by the gate at every token. */
    @Test
    void langChain4jSeesALocalModelsTokensAsItDecodesThem() throws Exception {
        StreamingArrivalTest.Gate gate = new StreamingArrivalTest.Gate();
        List<Integer> seen = new ArrayList<>();
        String text;
        try (LocalModelBackend local = StreamingArrivalTest.tinyRandomOpt();
             ChatServer server = ServeTestSupport.start(StreamingArrivalTest.gatedModel(local, gate))) {
            text = stream(OpenAiStreamingChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused")
                    .modelName("tiny-random").temperature(0.0).maxTokens(16).responseFormat(ResponseFormat.JSON),
                    "Answer in JSON", gate, seen);
        }
        assertTrue(seen.size() > 1, "more than one partial response: " + seen);
        StreamingArrivalTest.assertArrivedPieceByPiece(gate, seen, seen.size());
        assertTrue(text.startsWith("{"), text);
    }

    /** Streams one answer, telling the gate of every partial response; returns the whole text. */
    private static String stream(OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder builder, String message,
                                 StreamingArrivalTest.Gate gate, List<Integer> seen) throws Exception {
        StringBuilder text = new StringBuilder();
        ChatResponse response = LangChain4jClientTest.stream(builder.build(), message, partial -> {
            text.append(partial);
            gate.received(seen);
        });
        assertEquals(text.toString(), response.aiMessage().text(), "the complete response is the partials joined");
        return text.toString();
    }
}
