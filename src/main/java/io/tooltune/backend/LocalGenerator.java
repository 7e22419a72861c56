package io.tooltune.backend;

import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link BatchGenerator} over a local model folder with core's {@link Generator}. As ToolLLaMA's wrapper does, a
 * prompt longer than the context minus the new tokens keeps its end (left truncation), so positions never exceed
 * the model's max_position_embeddings.
 */
public final class LocalGenerator implements BatchGenerator, AutoCloseable {
    private final LoadedModel loaded;
    private final Generator generator;
    private final GenerationConfig cfg;

    public LocalGenerator(Path modelDir, GenerationConfig cfg) {
        this.loaded = ModelFolder.load(modelDir);
        this.generator = new Generator(loaded.model(), loaded.tokenizer());
        this.cfg = cfg;
    }

    @Override
    public List<Completion> generate(List<String> prompts) {
        int room = Math.max(1, loaded.model().config().maxPositionEmbeddings() - cfg.maxNewTokens());
        List<long[]> ids = new ArrayList<>();
        for (String p : prompts) {
            long[] all = loaded.tokenizer().encode(p);
            ids.add(all.length > room ? Arrays.copyOfRange(all, all.length - room, all.length) : all);
        }
        List<Generator.Output> out = generator.generate(ids, cfg);
        List<Completion> result = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            result.add(new Completion(out.get(i).text(), ids.get(i).length, out.get(i).ids().length));
        }
        return result;
    }

    @Override
    public void close() {
        loaded.close();
    }
}
