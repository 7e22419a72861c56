package io.tooltune.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The strict rules' per-query verdicts, beside ToolEval's own files (which keep ToolBench's counts):
 * {@code strict/<model>/<group>_<model>.json} = {qid: {passed, failed, toolbench_passes, coin_flip_passes,
 * unsolvable_passes, grounded, facts, ungrounded}}, for auditing which facts were not found.
 */
public final class StrictFiles {
    private StrictFiles() {}

    public static void write(Path dir, PassAndWinRates.GroupPass g) throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = Json.MAPPER.createObjectNode();
        for (PassAndWinRates.QueryResult q : g.done()) {
            PassAndWinRates.Strict s = q.strict();
            ObjectNode o = json.putObject(q.qid());
            o.put("passed", s.passed());
            o.put("failed", s.failed());
            o.put("toolbench_passes", q.passes());
            o.put("coin_flip_passes", s.coinFlipPasses());
            o.put("unsolvable_passes", s.unsolvablePasses());
            if (s.grounding() == null) continue;
            o.put("grounded", s.grounding().grounded());
            o.put("facts", s.grounding().facts());
            s.grounding().ungrounded().forEach(o.putArray("ungrounded")::add);
        }
        Files.writeString(dir.resolve(g.group() + "_" + g.model() + ".json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }
}
