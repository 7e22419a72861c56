package io.tooltune.pipeline;

import io.tooltune.BadInputException;
import io.tooltune.data.synth.SynthGold;
import io.tooltune.eval.exact.AgentTrace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Of one model's gold calls over the held-out groups, how many name a function its agent called in that query:
 * the function chosen right, whatever the arguments (a query without a readable answer file calls nothing).
 */
record RightFunctions(int right, int goldCalls) {

    String describe() {
        return right + "/" + goldCalls;
    }

    /** Per model, its answers under {@code answers/<model>/<group>/<qid>_*.json} against {@code golds} (group → golds). */
    static Map<String, RightFunctions> count(Path answers, List<String> models, Map<String, List<SynthGold>> golds) {
        Map<String, RightFunctions> out = new LinkedHashMap<>();
        for (String m : models) {
            int right = 0, all = 0;
            for (Map.Entry<String, List<SynthGold>> group : golds.entrySet()) {
                for (SynthGold g : group.getValue()) {
                    List<String> called = calledNames(answers.resolve(m).resolve(group.getKey()), g.queryId());
                    for (SynthGold.Call c : g.calls()) {
                        all++;
                        if (called.contains(c.function())) right++;
                    }
                }
            }
            out.put(m, new RightFunctions(right, all));
        }
        return out;
    }

    private static List<String> calledNames(Path groupDir, String queryId) {
        if (!Files.isDirectory(groupDir)) return List.of();
        try (Stream<Path> s = Files.list(groupDir)) {
            Path file = s.filter(p -> p.getFileName().toString().startsWith(queryId + "_") && p.toString().endsWith(".json"))
                    .sorted().findFirst().orElse(null);
            if (file == null) return List.of();
            return AgentTrace.read(file).calls().stream().map(AgentTrace.Call::name).toList();
        } catch (BadInputException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
