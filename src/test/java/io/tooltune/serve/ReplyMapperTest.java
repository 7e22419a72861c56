package io.tooltune.serve;

import org.junit.jupiter.api.Test;

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
        AssistantReply cut = ReplyMapper.map("  Thought: I will call get_wea", TOOLS, true);
        assertEquals("Thought: I will call get_wea", cut.content());
        assertEquals("length", cut.finishReason());
        assertTrue(cut.toolCalls().isEmpty());
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
