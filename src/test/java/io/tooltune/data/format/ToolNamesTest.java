package io.tooltune.data.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ToolNamesTest {
    @Test
    void standardizeFollowsToolBench() {
        assertEquals("theclique", ToolNames.standardize("TheClique"));
        assertEquals("kick_com_api_kick_api", ToolNames.standardize("Kick.com API | Kick API"));
        assertEquals("get_4d_results", ToolNames.standardize("4D Results"));
        assertEquals("a^b", ToolNames.standardize("__A^b!!"));   // '^' survives ToolBench's character class
        assertEquals("天气_api", ToolNames.standardize("天气 API"));
        assertEquals("", ToolNames.standardize("!!!"));
        assertEquals("is_id", ToolNames.pureApiName("ID"));
        assertEquals("from_to", ToolNames.pureApiName("From/To"));
        assertEquals("is_from", ToolNames.changeName("from"));
    }

    @Test
    void standardizeCategory() {
        assertEquals("Artificial_Intelligence_Machine_Learning", ToolNames.standardizeCategory("Artificial Intelligence, Machine Learning"));
        assertEquals("News_Media", ToolNames.standardizeCategory("News/Media"));
    }
}
