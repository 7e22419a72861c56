package io.tooltune.model.opt;

import io.tooltune.Shared;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logits of both fixture layouts (pre-LN; post-LN with projections, stored in float16) against the reference. */
class OptModelFixtureTest {
    @ParameterizedTest
    @CsvSource({"tiny-opt-prenorm,right_padded", "tiny-opt-prenorm,left_padded",
            "tiny-opt-postnorm,right_padded", "tiny-opt-postnorm,left_padded"})
    void logitsMatchReference(String fixture, String batch) {
        Path dir = Shared.path("fixtures/opt/" + fixture);
        try (LoadedModel m = ModelFolder.load(dir)) {
            assertTrue(OptFixtures.assertLogitsMatch(m.model(), dir, batch) > 100);
        }
    }
}
