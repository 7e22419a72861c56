package io.tooltune.data;

import io.tooltune.Shared;
import io.tooltune.data.FunctionSchemas.FinishWording;
import io.tooltune.data.format.ChatMessage;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.RawAnswer;
import io.tooltune.data.format.Turn;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolLlamaPromptTest {

    @Test
    void rebuildsTheStoredSystemAndUserMessagesOfAStableToolBenchRun() {
        Path stb = Shared.path("data/stabletoolbench");
        Query q = DataFiles.readQueries(stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json")).get(0);
        RawAnswer a = DataFiles.readRawAnswer(stb.resolve("data_example/answer/virtual_chatgpt_dfs/G1_instruction/" + q.id() + "_DFS_woFilter_w2.json"));
        List<ChatMessage> msgs = a.trainMessages().get(0);
        String stored = msgs.get(0).content();
        // the tool description comes from toolenv/tools (not in ../shared): take it from the stored line
        Matcher m = Pattern.compile("\\n1\\.theclique: (.*)\\n").matcher(stored);
        assertTrue(m.find());
        String task = ToolLlamaPrompt.taskDescription(List.of(new SimpleEntry<>("theclique", m.group(1))));
        assertEquals(stored, ToolLlamaPrompt.rawSystemMessage(task));
        assertEquals(msgs.get(1).content(), ToolLlamaPrompt.userMessage(q.query()));
        String system = ToolLlamaPrompt.systemPrompt(task, FunctionSchemas.forQuery(q, FinishWording.INFERENCE));
        assertEquals(ToolLlamaPrompt.processSystemMessage(stored, a.functions()), system);
        assertTrue(system.contains("excute your step. Your output should follow this format:\nThought:\nAction\nAction Input:\n\n"));
    }

    @Test
    void taskDescriptionKeepsFirstPositionLastDescriptionAndCuts() {
        String t = ToolLlamaPrompt.taskDescription(List.of(Map.entry("a", "first"), Map.entry("b", "  \n"),
                Map.entry("a", "line\nbreak " + "x".repeat(600))));
        String[] lines = t.split("\n");
        assertEquals("1.a: linebreak " + "x".repeat(512 - "line\nbreak ".length()), lines[lines.length - 2]);
        assertEquals("2.b: None", lines[lines.length - 1]);
    }

    @Test
    void trainingAndInferenceRendering() {
        List<Turn> turns = List.of(new Turn("system", "S"), new Turn("user", "\nq\nBegin!\n"), new Turn("assistant", "\nThought: \nAction: f\nAction Input: {}"),
                new Turn("function", "{\"error\": \"\", \"response\": \"r\"}"));
        assertEquals("System: S\nUser: \nq\nBegin!\n\nAssistant: \nThought: \nAction: f\nAction Input: {}\nFunction: {\"error\": \"\", \"response\": \"r\"}</s>",
                ToolLlamaPrompt.renderTraining(turns));
        assertEquals("System: S\nUser: \nq\nBegin!\n\nAssistant: \nThought: \nAction: f\nAction Input: {}\nFunction: {\"error\": \"\", \"response\": \"r\"}\nAssistant:\n",
                ToolLlamaPrompt.renderInference(turns));
    }
}
