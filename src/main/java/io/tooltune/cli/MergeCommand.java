package io.tooltune.cli;

import io.tooltune.model.io.AdapterFolder;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tooltune merge}: folds a LoRA adapter into its base model (PEFT's merge_and_unload). */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA adapter into its base model and write a Hugging Face model folder.")
public final class MergeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "base Hugging Face model folder")
    Path model;
    @Option(names = "--adapter", required = true, description = "PEFT LoRA adapter folder")
    Path adapter;
    @Option(names = "--output", required = true, description = "folder for the merged model")
    Path output;

    @Override
    public Integer call() {
        try (LoadedModel m = ModelFolder.load(model)) {
            AdapterFolder.load(adapter, m.model()).mergeInto(m.model());
            ModelFolder.save(m.model(), m.tokenizer(), output);
        }
        System.out.println("merged " + adapter + " into " + model + "; model in " + output);
        return 0;
    }
}
