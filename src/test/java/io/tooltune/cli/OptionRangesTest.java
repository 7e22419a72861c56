package io.tooltune.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every numeric option is checked as it is parsed: a value outside its range (NaN, negative, zero counts) is a
 * usage error, exit 2, whose message names the option and the allowed range, before any file is read or written.
 */
class OptionRangesTest {
    @TempDir
    static Path tmp;

    /** The command's required options, pointing at an empty temporary folder. */
    private static List<String> base(String command) {
        String d = tmp.toString(), out = tmp.resolve("out").toString();
        return new ArrayList<>(switch (command) {
            case "train" -> List.of("train", "--model", d, "--data", d, "--output", out);
            case "run" -> List.of("run", "--queries", d, "--model", d, "--method", "cot", "--api-embedded", "--output", out);
            case "eval" -> List.of("eval", "--answers", d, "--output", out);
            case "generate" -> List.of("generate", "--model", d, "--prompt", "hi");
            case "serve" -> List.of("serve", "--scripted", d);
            case "apis" -> List.of("apis");
            case "demo" -> List.of("demo", "--output", out);
            case "prepare" -> List.of("prepare", "--input", d, "--output", out);
            case "reproduce" -> List.of("reproduce", "--toolbench", d, "--judge-url", "http://127.0.0.1:1/v1", "--output", out);
            case "bfcl" -> List.of("bfcl", "run", "--data", d, "--model", d, "--categories", "simple", "--output", out);
            default -> throw new IllegalArgumentException(command);
        });
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "train    | --learning-rate              | NaN      | must be a finite number",
            "train    | --learning-rate              | -1e-5    | must be at least 0",
            "train    | --max-grad-norm              | -1       | must be at least 0",
            "train    | --weight-decay               | -0.1     | must be at least 0",
            "train    | --max-steps                  | 0        | must be at least 1, or -1 to train for --epochs",
            "train    | --batch-size                 | 0        | must be at least 1",
            "train    | --gradient-accumulation-steps| 0        | must be at least 1",
            "train    | --epochs                     | 0        | must be at least 1",
            "train    | --warmup-steps               | -3       | must be at least 0",
            "train    | --max-length                 | 0        | must be at least 1",
            "train    | --logging-steps              | 0        | must be at least 1",
            "train    | --save-steps                 | -1       | must be at least 0",
            "run      | --batch-size                 | 0        | must be at least 1",
            "run      | --pass-at                    | 0        | must be at least 1",
            "run      | --max-steps                  | 0        | must be at least 1",
            "run      | --max-model-calls            | 0        | must be at least 1",
            "run      | --max-iterations             | 0        | must be at least 1",
            "run      | --max-new-tokens             | -5       | must be at least 1",
            "run      | --temperature                | -1       | must be at least 0",
            "run      | --temperature                | Infinity | must be a finite number",
            "run      | --openai-attempts            | 0        | must be at least 1",
            "eval     | --concurrency                | 0        | must be at least 1",
            "eval     | --evaluate-times             | 0        | must be at least 1",
            "eval     | --retries                    | 0        | must be at least 1",
            "eval     | --timeout                    | 0        | must be at least 1",
            "eval     | --backoff-ms                 | -1       | must be at least 0",
            "generate | --top-p                      | 0        | must be greater than 0 and at most 1",
            "generate | --top-p                      | 1.5      | must be greater than 0 and at most 1",
            "generate | --top-k                      | -1       | must be at least 0",
            "generate | --max-new-tokens             | 0        | must be at least 1",
            "serve    | --port                       | 70000    | must be between 0 and 65535",
            "serve    | --max-batch                  | 0        | must be at least 1",
            "serve    | --context                    | 0        | must be at least 1",
            "apis     | --port                       | -1       | must be between 0 and 65535",
            "apis     | --max-cache-entry-bytes      | 0        | must be at least 1",
            "demo     | --steps                      | 0        | must be at least 1",
            "demo     | --minutes                    | 0        | must be greater than 0",
            "demo     | --threads                    | 0        | must be at least 1",
            "prepare  | --max-length                 | -1       | must be at least 0",
            "reproduce| --max-steps                  | 0        | must be at least 1",
            "reproduce| --evaluate-times             | 0        | must be at least 1",
            "bfcl     | --batch-size                 | 0        | must be at least 1",
            "bfcl     | --temperature                | NaN      | must be a finite number",
            "bfcl     | --max-new-tokens             | 0        | must be at least 1",
            "bfcl     | --timeout                    | 0        | must be at least 1",
            "train    | --batch-size                 | two      | 'two' is not a whole number",
    })
    void outOfRangeIsAUsageErrorNamingTheRange(String command, String option, String value, String range) throws Exception {
        List<String> args = base(command);
        args.add(option);
        args.add(value);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        String first = r.err().lines().filter(l -> !l.contains(" WARN ")).findFirst().orElse("");
        assertTrue(first.contains(option) && first.contains(range), first);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }
}
