package io.tooltune.inference;

import io.tooltune.Shared;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A request carrying its prompt's ids (the server counted them already) is decoded from them, not encoded again. */
class PromptIdsTest {
    @Test
    void idsGivenWithTheRequestAreTheOnesDecoded() throws Exception {
        LoadedModel model = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"));
        String prompt = "Numbers: 1, 2, 3,";
        long[] encoded = model.tokenizer().encode(prompt);
        long[] other = model.tokenizer().encode("Hello there, how are you");
        GenerationConfig greedy = GenerationConfig.greedy(6).withStopAtEos(false);
        try (InferenceWorker w = InferenceWorker.forModel(model, 2, 0)) {
            Completion plain = w.submit(new InferenceRequest(prompt, greedy)).get();
            Completion same = w.submit(new InferenceRequest(prompt, greedy).encoded(encoded)).get();
            Completion swapped = w.submit(new InferenceRequest(prompt, greedy).encoded(other)).get();
            Completion direct = w.submit(new InferenceRequest("Hello there, how are you", greedy)).get();
            assertEquals(plain, same);
            assertEquals(other.length, swapped.promptTokens());
            assertNotEquals(encoded.length, other.length);
            assertEquals(direct.text(), swapped.text(), "decoded from the ids given, not from the prompt text");
        }
    }
}
