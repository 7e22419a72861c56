package io.tooltune.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are what ToolBench's Python react_parser returns for the same strings. */
class ReactParserTest {
    private static void check(String in, String thought, String action, String input) {
        assertEquals(new ReactParser.Parsed(thought, action, input), ReactParser.parse(in));
    }

    @Test
    void wellFormed() {
        check("Thought: I will search.\nAction: transfermarkt_search_for_theclique\nAction Input: {\"name\": \"Messi\"}",
                "I will search.", "transfermarkt_search_for_theclique", "{\"name\": \"Messi\"}");
    }

    @Test
    void malformedFollowsPythonFindSemantics() {
        check("just some text", "e tex", "me tex", "t");
        check("Action: Finish\nAction Input: {}", "Finish\nAction Input: {", "Finish", "{}");
        check("Thought: hmm\nAction Input: x", "hmm\nAction Input: ", ": hmm", "x");
        check("", "", "", "");
    }
}
