package io.tooltune.data.synth;

import io.tooltune.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The raw DFS answers SynthWriter writes stay byte-identical for a fixed seed. */
class SynthAnswerBytesTest {
    @TempDir
    Path tmp;

    @Test
    void rawAnswersOfASmallDatasetMatchTheGoldenFiles() throws IOException {
        SynthWriter.write(SyntheticToolBench.generate(new SynthOptions(5, 3, 0, 0, 20)), tmp);
        Path answers = tmp.resolve("answer");
        List<Path> files;
        try (Stream<Path> s = Files.walk(answers)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(3, files.size());
        for (Path f : files) {
            Golden.assertMatches(SynthAnswerBytesTest.class, "answers/" + answers.relativize(f),
                    Files.readString(f));
        }
    }
}
