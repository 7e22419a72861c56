package io.tooltune.cli;

import io.tooltune.eval.bfcl.BfclReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tooltune bfcl}: the Berkeley Function Calling Leaderboard's single-turn categories, scored as BFCL does. */
@Command(name = "bfcl", mixinStandardHelpOptions = true,
        description = "Berkeley Function Calling Leaderboard (v4, single-turn, prompt mode): score result files.",
        subcommands = {BfclCommand.Score.class})
public final class BfclCommand {

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Score BFCL result files (BFCL_v4_<category>_result.json, {\"id\", \"result\"} lines) with BFCL's "
                    + "decoder and AST checker: verdicts.jsonl, scores.json and scores.md in --output, the table on stdout.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "BFCL data folder: BFCL_v4_<category>.json and possible_answer/.")
        Path data;
        @Option(names = "--results", required = true, description = "Folder of BFCL_v4_<category>_result.json files.")
        Path results;
        @Option(names = "--output", required = true, description = "Output folder.")
        Path output;

        @Override
        public Integer call() throws Exception {
            BfclReport.Outcome o = BfclReport.scoreAndWrite(data, results, output, System.err);
            System.out.print(o.markdown());
            return 0;
        }
    }
}
