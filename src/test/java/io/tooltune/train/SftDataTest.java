package io.tooltune.train;

import io.tooltune.BadInputException;
import io.tooltune.Shared;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SftDataTest {
    @TempDir
    Path tmp;

    private Path file(String... lines) throws Exception {
        Path f = tmp.resolve("d" + System.nanoTime() + ".jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void emptyFileAndAllIgnoredLabelsFailBeforeTraining() throws Exception {
        BadInputException empty = assertThrows(BadInputException.class,
                () -> SftData.load(file("", "  "), null, 2, 1024, null));
        assertTrue(empty.getMessage().contains("no training examples"), empty.getMessage());
        BadInputException ignored = assertThrows(BadInputException.class, () -> SftData.load(
                file("{\"id\":\"x\",\"input_ids\":[2,5,6],\"labels\":[-100,-100,-100]}",
                        "{\"input_ids\":[2,5],\"labels\":[2,-100]}"), null, 2, 1024, null));
        assertTrue(ignored.getMessage().contains("every label is -100"), ignored.getMessage());
        BadInputException bad = assertThrows(BadInputException.class, () -> SftData.load(
                file("{\"input_ids\":[2,5,6],\"labels\":[1,2]}"), null, 2, 1024, null));
        assertTrue(bad.getMessage().contains(":1: labels has 2 entries"), bad.getMessage());
        assertThrows(BadInputException.class, () -> SftData.load(file("not json"), null, 2, 1024, null));
    }

    @Test
    void longExamplesAreTruncatedKeepingTheStartAndCounted() throws Exception {
        SftData.Loaded d = SftData.load(file(
                "{\"id\":\"long\",\"input_ids\":[2,5,6,7,8,9],\"labels\":[-100,5,6,7,8,9]}",
                "{\"id\":\"short\",\"input_ids\":[2,5],\"labels\":[-100,5]}"), null, 2, 4, null);
        assertEquals(1, d.truncated());
        assertArrayEquals(new int[] {2, 5, 6, 7}, d.examples().get(0).inputIds());
        assertArrayEquals(new int[] {-100, 5, 6, 7}, d.examples().get(0).labels());
        assertEquals("short", d.examples().get(1).id());
    }

    @Test
    void textRecordsAreTokenizedWithBosAndEos() throws Exception {
        Path dir = Shared.path("fixtures/opt/tokenizer");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            SftData.Loaded d = SftData.load(file("{\"text\":\"Hello world\"}"), tok, 2, 1024, null);
            int[] ids = d.examples().get(0).inputIds();
            long[] expected = tok.encode("Hello world");
            assertEquals(2, ids[0]);
            assertEquals(expected.length + 1, ids.length);
            assertEquals(2, ids[ids.length - 1]);
            assertArrayEquals(ids, d.examples().get(0).labels());
        }
    }

    @Test
    void conversationsRecordsUseTheToolLlamaRendering() throws Exception {
        Path dir = Shared.path("fixtures/opt/tokenizer");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            SftData.Loaded d = SftData.load(file("{\"id\":\"q1\",\"conversations\":[{\"from\":\"system\",\"value\":\"sys\"},"
                    + "{\"from\":\"user\",\"value\":\"hi\"},{\"from\":\"assistant\",\"value\":\"Thought: ok\"}]}"),
                    tok, 2, 1024, SftRun::renderConversations);
            long[] want = tok.encode("System: sys\nUser: hi\nAssistant: Thought: ok</s>");
            int[] ids = d.examples().get(0).inputIds();
            assertEquals(2, want[want.length - 1]);
            assertEquals(want.length, ids.length); // the rendered "</s>" is the EOS: none appended
            for (int i = 0; i < ids.length; i++) assertEquals(want[i], ids[i]);
            assertEquals("q1", d.examples().get(0).id());
        }
    }

    @Test
    void shuffleIsSeededPerEpoch() {
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < 40; i++) data.add(new SftExample("e" + i, new int[] {2, i + 4}, new int[] {-100, i + 4}));
        SftConfig c = SftConfig.paper().toBuilder().batchSize(4).gradientAccumulationSteps(1).epochs(2).seed(7)
                .shuffle(true).groupByLength(false).build();
        List<int[]> e0 = BatchPlan.microBatches(data, c, 0);
        assertEquals(10, e0.size());
        assertArrayEquals(e0.get(0), BatchPlan.microBatches(data, c, 0).get(0));
        assertNotEquals(Arrays.toString(e0.get(0)), Arrays.toString(BatchPlan.microBatches(data, c, 1).get(0)));
    }
}
