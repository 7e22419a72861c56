package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.model.CausalLM;
import io.tooltune.model.LoraAdapter;
import io.tooltune.model.LoraConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PEFT adapter folders: {@code adapter_config.json} (the field set PEFT 0.19 writes, sorted keys, indent 2) and
 * {@code adapter_model.safetensors} (float32, keys {@code base_model.model.<module>.lora_{A,B}.weight}), which PEFT
 * and vLLM's LoRA loader read.
 */
public final class AdapterFolder {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";

    private AdapterFolder() {}

    /** Whether {@code dir} holds an adapter_config.json. */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /** The LoRA settings of {@code dir}'s adapter_config.json. */
    public static LoraConfig readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": missing (not a PEFT adapter folder)");
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        String type = j.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) throw new BadInputException(file + ": peft_type " + type + " (only LORA is supported)");
        if (j.path("use_dora").asBoolean(false)) throw new BadInputException(file + ": use_dora is not supported");
        if (!j.path("bias").asText("none").equals("none")) throw new BadInputException(file + ": bias " + j.get("bias") + " (only none is supported)");
        if (!j.path("r").canConvertToInt()) throw new BadInputException(file + ": r missing or not an integer");
        JsonNode t = j.path("target_modules");
        List<String> targets = new ArrayList<>();
        String regex = null;
        if (t.isTextual()) {
            if (t.asText().equals(LoraConfig.ALL_LINEAR)) targets.add(LoraConfig.ALL_LINEAR);
            else regex = t.asText();
        } else if (t.isArray()) {
            t.forEach(n -> targets.add(n.asText()));
        } else {
            throw new BadInputException(file + ": target_modules missing");
        }
        try {
            return new LoraConfig(j.get("r").asInt(), j.path("lora_alpha").asDouble(8), j.path("lora_dropout").asDouble(0),
                    targets, regex, j.path("use_rslora").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
    }

    /** adapter_config.json's {@code base_model_name_or_path} (empty when absent). */
    public static String baseModel(Path dir) {
        try {
            return Json.MAPPER.readTree(dir.resolve(CONFIG).toFile()).path("base_model_name_or_path").asText("");
        } catch (IOException e) {
            throw new BadInputException(dir.resolve(CONFIG) + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The adapter in {@code dir}, checked against {@code model}'s Linear modules and shapes. */
    public static LoraAdapter load(Path dir, CausalLM model) {
        LoraConfig config = readConfig(dir);
        Path file = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": missing");
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Safetensors.read(file).forEach((k, v) -> {
            data.put(k, v.data());
            shapes.put(k, v.shape());
        });
        return LoraAdapter.of(model, config, data, shapes, file.toString());
    }

    /** Loads {@code dir}'s adapter and attaches it to {@code model} (applied unmerged); null {@code dir}: nothing. */
    public static LoraAdapter attach(Path dir, CausalLM model) {
        if (dir == null) return null;
        LoraAdapter a = load(dir, model);
        model.linears().attach(a);
        return a;
    }

    /** Writes adapter_config.json and adapter_model.safetensors into {@code dir}. */
    public static void save(LoraAdapter adapter, CausalLM model, String baseModel, Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : adapter.parameters().entrySet()) {
                out.put(e.getKey(), new Safetensors.Tensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
            }
            Safetensors.write(dir.resolve(WEIGHTS), out);
            DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
            Files.writeString(dir.resolve(CONFIG), Json.MAPPER.writer(pretty).writeValueAsString(configJson(adapter, model, baseModel)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write adapter " + dir, e);
        }
    }

    /** PEFT's adapter_config.json for a LoRA adapter; all-linear is written as the targeted modules' names, as PEFT does. */
    static ObjectNode configJson(LoraAdapter adapter, CausalLM model, String baseModel) {
        LoraConfig c = adapter.config();
        Map<String, Object> f = new TreeMap<>();
        for (String k : List.of("alora_invocation_tokens", "arrow_config", "auto_mapping", "corda_config", "eva_config",
                "exclude_modules", "layer_replication", "layers_pattern", "layers_to_transform", "lora_ga_config",
                "megatron_config", "modules_to_save", "revision", "target_parameters", "trainable_token_indices", "use_bdlora")) {
            f.put(k, null);
        }
        f.put("alpha_pattern", Map.of());
        f.put("rank_pattern", Map.of());
        f.put("loftq_config", Map.of());
        f.put("base_model_name_or_path", baseModel);
        f.put("bias", "none");
        f.put("ensure_weight_tying", false);
        f.put("fan_in_fan_out", false);
        f.put("inference_mode", true);
        f.put("init_lora_weights", true);
        f.put("lora_alpha", c.alpha() == Math.rint(c.alpha()) ? (Object) (long) c.alpha() : c.alpha());
        f.put("lora_bias", false);
        f.put("lora_dropout", c.dropout());
        f.put("megatron_core", "megatron.core");
        f.put("peft_type", "LORA");
        f.put("peft_version", "0.19.1");
        f.put("qalora_group_size", 16);
        f.put("r", c.r());
        f.put("task_type", "CAUSAL_LM");
        f.put("use_dora", false);
        f.put("use_qalora", false);
        f.put("use_rslora", c.useRslora());
        if (c.targetRegex() != null) {
            f.put("target_modules", c.targetRegex());
        } else if (c.targetModules().equals(List.of(LoraConfig.ALL_LINEAR))) {
            TreeSet<String> names = new TreeSet<>();
            for (String m : LoraAdapter.targetedModules(model, c)) names.add(m.substring(m.lastIndexOf('.') + 1));
            f.put("target_modules", List.copyOf(names));
        } else {
            f.put("target_modules", c.targetModules());
        }
        return Json.MAPPER.valueToTree(f);
    }
}
