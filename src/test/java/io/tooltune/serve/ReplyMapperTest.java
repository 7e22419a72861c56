package io.tooltune.serve;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyMapperTest {
    static final Set<String> TOOLS = Set.of("get_weather");

    @Test
    void callOfAnOfferedToolBecomesAToolCall() {
        AssistantReply r = ReplyMapper.map("Thought: look it up\nAction: get_weather\nAction Input: {\n  \"city\": \"Paris\", \"days\": 2\n}", TOOLS, false);
        assertEquals("tool_calls", r.finishReason());
        assertNull(r.content());
        assertEquals("get_weather", r.toolCalls().get(0).name());
        assertEquals("{\"city\":\"Paris\",\"days\":2}", r.toolCalls().get(0).arguments());
        assertTrue(r.toolCalls().get(0).id().matches("call_[0-9a-f]{24}"));
    }

    @Test
    void finishGivesItsFinalAnswer() {
        assertEquals("Sunny.", ReplyMapper.map("Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", \"final_answer\": \"Sunny.\"}", TOOLS, false).content());
        AssistantReply giveUp = ReplyMapper.map("Thought: the API is down\nAction: Finish\nAction Input: {\"return_type\": \"give_up_and_restart\"}", TOOLS, false);
        assertEquals("the API is down", giveUp.content());
        assertEquals("stop", giveUp.finishReason());
    }

    @Test
    void anythingElseIsPlainContent() {
        String badJson = "Thought: \nAction: get_weather\nAction Input: {city: Paris";
        assertEquals(badJson, ReplyMapper.map(badJson, TOOLS, false).content());
        String notOffered = "Thought: \nAction: get_weather\nAction Input: {}";
        assertEquals(notOffered, ReplyMapper.map(notOffered, Set.of(), false).content());
        AssistantReply prose = ReplyMapper.map("  It is sunny in Par", TOOLS, true);
        assertEquals("It is sunny in Par", prose.content());
        assertEquals("length", prose.finishReason());
    }

    @Test
    void aLengthCutReturnsOnlyTheVisiblePart() {
        for (String scaffolding : List.of("  Thought: I will call get_wea", "Thought: \nAction: get_weather\nAction Input: {\"ci",
                "Thought: done\nAction: Fin", "Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_")) {
            AssistantReply cut = ReplyMapper.map(scaffolding, TOOLS, true);
            assertEquals("", cut.content(), scaffolding);
            assertEquals("length", cut.finishReason());
            assertTrue(cut.toolCalls().isEmpty());
        }
        AssistantReply answer = ReplyMapper.map("Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", "
                + "\"final_answer\": \"Sunny,\\n \\\"warm\\\" \\u00e9t\\u00", TOOLS, true);
        assertEquals("Sunny,\n \"warm\" \u00e9t", answer.content());
        assertEquals("length", answer.finishReason());
    }

    @Test
    void stopStringsCutTheVisibleContent() {
        AssistantReply r = ReplyMapper.map("Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", "
                + "\"final_answer\": \"Sunny. Then rain.\"}", TOOLS, false);
        AssistantReply stopped = r.stoppedAt(List.of("rain", " Then"));
        assertEquals("Sunny.", stopped.content());
        assertEquals("stop", stopped.finishReason());
        assertEquals(r, r.stoppedAt(List.of("Action")), "the scaffolding is not the content");
        AssistantReply call = ReplyMapper.map("Thought: \nAction: get_weather\nAction Input: {\"city\": \"Paris\"}", TOOLS, false);
        assertEquals(call, call.stoppedAt(List.of("Paris")));
    }

    @Test
    void aFinishTheClientOfferedComesBackAsAToolCall() {
        String text = "Thought: done\nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", \"final_answer\": \"Sunny.\"}";
        AssistantReply r = ReplyMapper.map(text, Set.of("get_weather", "Finish"), false);
        assertEquals("tool_calls", r.finishReason());
        assertEquals("Finish", r.toolCalls().get(0).name());
        assertEquals("{\"return_type\":\"give_answer\",\"final_answer\":\"Sunny.\"}", r.toolCalls().get(0).arguments());
    }
}
