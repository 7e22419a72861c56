package io.tooltune.serve;

import io.tooltune.Json;
import io.tooltune.chat.CallJson;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What each prompt format streams of raw text fed token by token (here: character by character, the worst case). */
class ReplyStreamTest {
    /** The deltas as readable events: "c:text", "start:0:name", "args:0:fragment". */
    private static final class Events implements DeltaSink {
        final List<String> log = new ArrayList<>();

        @Override
        public void content(String text) {
            log.add("c:" + text);
        }

        @Override
        public void toolCallStart(int index, String id, String name) {
            log.add("start:" + index + ":" + name);
        }

        @Override
        public void toolCallArguments(int index, String fragment) {
            log.add("args:" + index + ":" + fragment);
        }

        @Override
        public void heartbeat() {}

        String content() {
            StringBuilder b = new StringBuilder();
            for (String e : log) if (e.startsWith("c:")) b.append(e.substring(2));
            return b.toString();
        }

        String arguments(int index) {
            StringBuilder b = new StringBuilder();
            for (String e : log) if (e.startsWith("args:" + index + ":")) b.append(e.substring(("args:" + index + ":").length()));
            return b.toString();
        }
    }

    private static Events feedByCharacter(ReplyStream stream, String text) throws IOException {
        Events events = new Events();
        for (int i = 0; i < text.length(); i++) stream.text(text.substring(i, i + 1), events);
        return events;
    }

    private static Completion completion(String text) {
        return new Completion(text, 1, 1, false);
    }

    private static PromptMapper.Rendered rendered(String... callable) {
        return new PromptMapper.Rendered("prompt", "", new LinkedHashSet<>(List.of(callable)));
    }

    @Test
    void reactStreamsOnlyTheFinishAnswerDecodingItsEscapes() throws IOException {
        ReplyStream s = new ReactReplyStream(rendered("get_weather"), List.of());
        Events e = feedByCharacter(s, "Thought: done\nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", "
                + "\"final_answer\": \"It is \\\"18\\u00b0C\\\"\\nand sunny.\"}");
        assertEquals("It is \"18°C\"\nand sunny.", e.content());
        assertEquals(0, e.log.stream().filter(x -> x.contains("Thought") || x.contains("Action")).count());
        assertEquals(0, e.log.stream().filter(x -> x.contains("\\")).count(), "no half escape was sent: " + e.log);
        int sent = e.log.size();
        s.finish(new AssistantReply("It is \"18°C\"\nand sunny.", List.of(), "stop"), completion(""), e);
        assertEquals(sent, e.log.size(), "nothing left to send at the end");
    }

    @Test
    void reactStreamsACallOfAnOfferedFunctionAsItsInputIsGenerated() throws IOException {
        ReplyStream s = new ReactReplyStream(rendered("get_weather"), List.of());
        Events e = feedByCharacter(s, "Thought: look it up\nAction: get_weather\nAction Input: {\"city\": \"Paris\"}");
        assertEquals("start:0:get_weather", e.log.get(0));
        assertEquals("{\"city\":\"Paris\"}", e.arguments(0), "the final reply's compact form");
        assertEquals("", e.content());
        assertEquals(17, e.log.size(), "one fragment per generated character but the blank: " + e.log);
    }

    @Test
    void reactSendsAnUnknownFunctionsReplyWholeAtTheEnd() throws IOException {
        ReplyStream s = new ReactReplyStream(rendered("get_weather"), List.of());
        String text = "Thought: \nAction: launch_rocket\nAction Input: {\"target\": \"moon\"}";
        Events e = feedByCharacter(s, text);
        assertEquals(List.of(), e.log);
        s.finish(ReplyMapper.map(text, Set.of("get_weather"), false), completion(text), e);
        assertEquals(List.of("c:" + text), e.log);
    }

    @Test
    void templateStreamsContentThenHermesCallsNameFirst() throws IOException {
        ReplyStream s = new TemplateReplyStream("", List.of());
        Events e = feedByCharacter(s, "  Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"
                + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"CET\"}}\n</tool_call>");
        assertEquals("Let me check.", e.content());
        assertEquals(0, e.log.stream().filter(x -> x.contains("<")).count(), "no part of an opener was sent as content: " + e.log);
        assertEquals(List.of("start:0:get_weather", "start:1:get_time"), e.log.stream().filter(x -> x.startsWith("start")).toList());
        assertEquals("{\"city\": \"Paris\"}", e.arguments(0));
        assertEquals("{\"tz\": \"CET\"}", e.arguments(1));
        int start = e.log.indexOf("start:0:get_weather");
        assertEquals("args:0:{", e.log.get(start + 1), "the name goes out before any argument");
    }

    @Test
    void templateRecognisesALeadingJsonCallAndLlamasParameters() throws IOException {
        Events e = feedByCharacter(new TemplateReplyStream("", List.of()), "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}");
        assertEquals("", e.content());
        assertEquals("start:0:get_weather", e.log.get(0));
        assertEquals("{\"city\": \"Oslo\"}", e.arguments(0));
        Events plain = feedByCharacter(new TemplateReplyStream("", List.of()), "{curly} text");
        assertEquals("{curly} text", plain.content());
    }

    @Test
    void finishSendsWhatAStreamlessBackendNeverHandedOver() throws IOException {
        Events e = new Events();
        ReplyStream s = new TemplateReplyStream("", List.of());
        s.finish(new AssistantReply(null, List.of(new ChatRequest.ToolCall("call_1", "get_weather", "{\"city\":\"Rome\"}")), "tool_calls"), completion(""), e);
        assertEquals(List.of("start:0:get_weather", "args:0:{\"city\":\"Rome\"}"), e.log);
    }

    @Test
    void aForcedCallsPrefilledStartIsReadBeforeTheGeneratedTextAndNeverSentAsContent() throws IOException {
        Events e = feedByCharacter(new TemplateReplyStream("<tool_call>\n{\"name\": \"", List.of()),
                "get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>");
        assertEquals("", e.content());
        assertEquals("start:0:get_weather", e.log.get(0));
        assertEquals("{\"city\": \"Paris\"}", e.arguments(0));
    }

    /**
     * Each content delta carries the tokens behind it, as {@link VisibleTokens} finds them in the whole completion:
     * not a leading blank the reply strips, and not a token that only completes a character an earlier one began.
     */
    @Test
    void contentDeltasCarryTheTokensVisibleTokensFindsInTheWholeCompletion() throws IOException {
        TokenLogprob blank = new TokenLogprob(1, " ", -0.1, List.of(), 1);
        TokenLogprob firstByte = new TokenLogprob(2, "\uFFFD", -0.2, List.of(), 2);
        TokenLogprob secondByte = new TokenLogprob(3, "\uFFFD", -0.3, List.of(), 2);
        TokenLogprob ok = new TokenLogprob(4, " ok", -0.4, List.of(), 5);
        List<String> texts = new ArrayList<>();
        List<List<TokenLogprob>> tokens = new ArrayList<>();
        DeltaSink sink = new DeltaSink() {
            @Override
            public void content(String text) {
                throw new AssertionError("content goes out with its tokens");
            }

            @Override
            public void content(String text, List<TokenLogprob> ts) {
                texts.add(text);
                tokens.add(ts);
            }

            @Override
            public void toolCallStart(int index, String id, String name) {
                throw new AssertionError(name);
            }

            @Override
            public void toolCallArguments(int index, String fragment) {
                throw new AssertionError(fragment);
            }

            @Override
            public void heartbeat() {}
        };
        ReplyStream s = new ReplyStream.Plain(true, List.of());
        s.token(blank);
        s.text(" ", sink);
        s.token(firstByte);
        s.token(secondByte);
        s.text("\u00e9", sink);
        s.token(ok);
        s.text(" ok", sink);
        s.finish(new AssistantReply("\u00e9 ok", List.of(), "stop"), completion(" \u00e9 ok"), sink);
        List<VisibleTokens.Piece> want = VisibleTokens.pieces("\u00e9 ok", " \u00e9 ok", List.of(blank, firstByte, secondByte, ok));
        assertEquals(want.stream().map(VisibleTokens.Piece::text).toList(), texts);
        assertEquals(want.stream().map(VisibleTokens.Piece::tokens).toList(), tokens);
    }

    /** Arguments fed character by character come out as Jackson (ReAct) and json.dumps (templates) write them. */
    @Test
    void argumentsAreRewrittenAsTheFinalReplyWritesThem() throws Exception {
        String raw = "{ \"q\" :  \"say \\\"hi\\\"\\u00e9\\/x\\n\",\n  \"n\": [1 , 2.5, true, null], \"o\": {} }";
        String c = fedByCharacter(ArgumentsFormat.COMPACT, raw);
        String p = fedByCharacter(ArgumentsFormat.PYTHON, raw);
        assertEquals(Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(raw)), c);
        assertEquals("{\"q\": \"say \\\"hi\\\"\u00e9/x\\n\", \"n\": [1, 2.5, true, null], \"o\": {}}", p);
    }

    private static String fedByCharacter(ArgumentsFormat format, String raw) {
        ArgumentsFormat.Writer w = format.writer();
        StringBuilder out = new StringBuilder();
        for (char ch : raw.toCharArray()) out.append(w.feed(String.valueOf(ch)));
        return out.toString();
    }

    /** A number is held until it ends and written as the final reply spells it; control characters in each format's case. */
    @Test
    void numbersAndControlCharactersMatchTheFinalReplysSpelling() throws Exception {
        String raw = "{\"a\": 1.50, \"b\": 1e3, \"c\": -2, \"d\": [0.10,7], \"e\": \"\\u001f\"}";
        String c = fedByCharacter(ArgumentsFormat.COMPACT, raw);
        String p = fedByCharacter(ArgumentsFormat.PYTHON, raw);
        assertEquals(Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(raw)), c);
        assertEquals("{\"a\": 1.5, \"b\": 1000.0, \"c\": -2, \"d\": [0.1, 7], \"e\": \"\\u001f\"}", p);
        assertEquals(CallJson.pythonJson(Json.MAPPER.readTree(raw)), p, "the chat path's own writer agrees");
    }

    /** The request's stop strings cut the streamed answer; a tail that may become one is never sent. */
    @Test
    void aStopStringCutsTheStreamedAnswerAndItsStartIsHeldBack() throws IOException {
        ReplyStream s = new ReactReplyStream(rendered("get_weather"), List.of("three"));
        Events e = feedByCharacter(s, "Thought: done\nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", "
                + "\"final_answer\": \"one two three four\"}");
        assertEquals("one two ", e.content(), "sent deltas are never taken back: no start of the stop string went out");
        s.finish(new AssistantReply("one two three four", List.of(), "stop").stoppedAt(List.of("three")), completion(""), e);
        assertEquals("one two ", e.content());
    }

    /** Arguments giving a key twice (at the top, in a nested object, three times), each with its last-value meaning. */
    private static final List<String> REPEATED_KEYS = List.of(
            "{\"city\": \"Paris\", \"unit\": \"C\", \"city\": \"Rome\"}",
            "{\"o\": {\"a\": 1, \"b\": [1, 2], \"a\": {\"x\": 2}}, \"c\": 3}",
            "{\"a\": 1, \"a\": 2.50, \"a\": 3}");

    /**
     * Feeds {@code text} character by character, then ends the stream with {@code parsed} (the prompt format's reply)
     * as the server makes it final; checks that the fragments join to exactly the final arguments, which mean what
     * {@code parsed} means, and returns them.
     */
    private static String streamedAndFinalAgree(Supplier<ReplyStream> streams, String text, AssistantReply parsed) throws Exception {
        ReplyStream s = streams.get();
        Events e = feedByCharacter(s, text);
        AssistantReply reply = streams.get().withArgumentsAsWritten(parsed, completion(text));
        s.finish(reply, completion(text), e);
        String arguments = reply.toolCalls().get(0).arguments();
        assertEquals(arguments, e.arguments(0));
        assertEquals(Json.MAPPER.readTree(parsed.toolCalls().get(0).arguments()), Json.MAPPER.readTree(arguments),
                "a parser reads the last value, as the reply's own parse did");
        return arguments;
    }

    @Test
    void reactArgumentsWithAKeyGivenTwiceJoinToTheFinalArgumentsAsWritten() throws Exception {
        List<String> finals = new ArrayList<>();
        for (String input : REPEATED_KEYS) {
            String text = "Thought: look it up\nAction: get_weather\nAction Input: " + input;
            finals.add(streamedAndFinalAgree(() -> new ReactReplyStream(rendered("get_weather"), List.of()), text,
                    ReplyMapper.map(text, Set.of("get_weather"), false)));
        }
        assertEquals(List.of("{\"city\":\"Paris\",\"unit\":\"C\",\"city\":\"Rome\"}",
                "{\"o\":{\"a\":1,\"b\":[1,2],\"a\":{\"x\":2}},\"c\":3}", "{\"a\":1,\"a\":2.5,\"a\":3}"), finals);
    }

    @Test
    void templateArgumentsWithAKeyGivenTwiceJoinToTheFinalArgumentsAsWritten() throws Exception {
        TemplatePromptMapper mapper = TemplatePromptMapperTest.mapper("tiny-qwen2");
        List<String> finals = new ArrayList<>();
        for (String args : REPEATED_KEYS) {
            String text = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": " + args + "}\n</tool_call>";
            finals.add(streamedAndFinalAgree(() -> new TemplateReplyStream("", List.of()), text,
                    mapper.reply(rendered("get_weather"), completion(text))));
        }
        assertEquals(List.of("{\"city\": \"Paris\", \"unit\": \"C\", \"city\": \"Rome\"}",
                "{\"o\": {\"a\": 1, \"b\": [1, 2], \"a\": {\"x\": 2}}, \"c\": 3}", "{\"a\": 1, \"a\": 2.5, \"a\": 3}"), finals);
    }

    /** Arguments without a repeated key stay as the reply's parse wrote them; a call the stream read differently too. */
    @Test
    void argumentsAsWrittenChangeOnlyARepeatedKeysCall() {
        String text = "Thought: \nAction: get_weather\nAction Input: {\"city\":  \"Paris\", \"n\": 1e3}";
        AssistantReply parsed = ReplyMapper.map(text, Set.of("get_weather"), false);
        assertSame(parsed, new ReactReplyStream(rendered("get_weather"), List.of()).withArgumentsAsWritten(parsed, completion(text)));
        AssistantReply other = new AssistantReply(null, List.of(new ChatRequest.ToolCall("call_1", "get_weather", "{\"city\":\"Rome\"}")), "tool_calls");
        assertSame(other, new ReactReplyStream(rendered("get_weather"), List.of()).withArgumentsAsWritten(other, completion(text)));
    }
}
