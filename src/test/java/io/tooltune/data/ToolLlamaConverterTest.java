package io.tooltune.data;

import io.tooltune.Shared;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ToolLlamaConverterTest {

    @Test
    void fifteenRawAnswersGiveTheFiftyReferenceInstances() throws IOException {
        Path root = Shared.path("data/toolbench");
        List<ToolLlamaExample> expected = DataFiles.readToolLlama(root.resolve("expected_toolllama_instances.json"));
        assertEquals(50, expected.size());
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("answer"))) {
            files = s.filter(p -> p.getFileName().toString().contains("DFS_woFilter_w2")).sorted().toList();
        }
        assertEquals(15, files.size());
        // the reference lists files group by group, each group's files in name order
        List<ToolLlamaExample> got = new ArrayList<>();
        for (Path f : files) got.addAll(ToolLlamaConverter.fromRawAnswer(DataFiles.readRawAnswer(f)));
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            String where = expected.get(i).extra().path("source").asText() + " " + expected.get(i).id();
            assertEquals(expected.get(i).id(), got.get(i).id(), where);
            List<Turn> w = expected.get(i).conversations(), g = got.get(i).conversations();
            assertEquals(w.size(), g.size(), where);
            for (int t = 0; t < w.size(); t++) assertEquals(w.get(t), g.get(t), where + " turn " + t);
        }
    }
}
