package io.tooltune.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The optional {@code --adapter} of the stages that run a model: a PEFT LoRA folder applied unmerged. */
final class AdapterOption {
    @Option(names = "--adapter", description = "PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors) applied to the model")
    Path dir;
}
