package io.tooltune.data.synth;

import io.tooltune.BadInputException;
import io.tooltune.data.format.ToolNames;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class KeyValueMakerTest {

    @Test
    void madeUpValuesKeepTheStyleOfTheListedOnes() {
        Map<List<String>, String> shapes = Map.of(
                List.of("PL-1042", "PL-2291", "PL-3307"), "PL-[1-9][0-9]{3}",
                List.of("QVX", "BRLN", "TMKO"), "[A-Z]{3,4}",
                List.of("Kepler-442b", "TOI-700d"), "(Kepler-[1-9][0-9]{2}b|TOI-[1-9][0-9]{2}d)",
                List.of("Northgate United", "Harbor City Hawks"), "(Northgate|Harbor City) (United|Hawks)",
                List.of("Oslo", "Lima", "Cairo"), "[A-Z][a-z]+");
        shapes.forEach((listed, shape) -> {
            List<String> pool = KeyValueMaker.pool(listed, 12, new Random(3));
            assertEquals(listed, pool.subList(0, listed.size()), "the listed values come first");
            assertEquals(new HashSet<>(pool).size(), pool.size(), "no value twice");
            pool.forEach(v -> assertTrue(v.matches(shape), v + " in the style of " + listed));
        });
        assertEquals(12, KeyValueMaker.pool(List.of("PL-1042", "PL-2291"), 12, new Random(3)).size());
        assertEquals(4, KeyValueMaker.pool(List.of("Northgate United", "Harbor City Hawks"), 12, new Random(3)).size(),
                "two heads and two tails make four names, no more");
        assertEquals(KeyValueMaker.pool(List.of("Oslo", "Lima", "Cairo"), 9, new Random(5)),
                KeyValueMaker.pool(List.of("Oslo", "Lima", "Cairo"), 9, new Random(5)));
    }

    @Test
    void noEntityIsAskedOftenEnoughToBeGuessedInsteadOfCopied() {
        SynthDataset ds = SyntheticToolBench.generate(new SynthOptions(7, 1500, 12, 6));
        assertTrue(largestShare(ds) < 0.05, "largest share of one entity in its domain: " + largestShare(ds));
        for (SynthQuery q : ds.test().get("G1_instruction")) {
            for (GoldCall c : q.calls()) {
                String key = String.valueOf(c.arguments().values().iterator().next());
                assertTrue(q.query().contains(key) || isId(key), key + " is asked for in " + q.query());
            }
        }
        SynthDataset listedOnly = SyntheticToolBench.generate(new SynthOptions(7, 1500, 12, 6, 0));
        assertTrue(largestShare(listedOnly) > 1.0 / 17, "with the table's values only, each is asked often");
        assertEquals(ds.catalog().tools().stream().map(SynthTool::name).toList(),
                listedOnly.catalog().tools().stream().map(SynthTool::name).toList(), "the catalog does not depend on the pool");
        assertThrows(BadInputException.class, () -> new SynthOptions(1, 5, 5, 0, -1));
    }

    /** Of the training calls that name an entity, the largest share one entity has within its domain. */
    private static double largestShare(SynthDataset ds) {
        Map<String, Map<String, Integer>> byDomain = new HashMap<>();
        for (SynthQuery q : ds.train()) {
            for (GoldCall c : q.calls()) {
                String key = String.valueOf(c.arguments().values().iterator().next());
                if (isId(key)) continue;
                SynthTool t = ds.catalog().tools().stream().filter(x -> x.name().equals(c.toolName())).findFirst().orElseThrow();
                byDomain.computeIfAbsent(t.domain().entity(), k -> new HashMap<>()).merge(key, 1, Integer::sum);
            }
        }
        double largest = 0;
        for (Map<String, Integer> counts : byDomain.values()) {
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            if (total >= 100) largest = Math.max(largest, counts.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) total);
        }
        return largest;
    }

    @Test
    void madeUpEntitiesHaveIdsThatResolveAndDoNotCollide() {
        SynthDataset ds = SyntheticToolBench.generate(new SynthOptions(7, 10, 2, 6));
        for (SynthTool t : ds.catalog().tools()) {
            SynthApi details = t.apis().stream().filter(a -> a.kind() == SynthApi.Kind.DETAILS).findFirst().orElse(null);
            if (details == null) continue;
            List<String> pool = t.domain().keyPool();
            assertTrue(pool.size() > 100, t.domain().entity() + ": " + pool.size() + " entities");
            Set<String> ids = new HashSet<>();
            for (String v : pool) assertTrue(ids.add(ds.simulator().idOf(t, v)), "id of " + v + " is unique");
            assertFalse(ids.contains(ds.simulator().idOf(t, "never heard of it")));
            String last = pool.get(pool.size() - 1);
            JsonNode r = ds.respond(t.name(), details.name(),
                    Map.of(ToolNames.pureApiName(details.keyParam()), ds.simulator().idOf(t, last))).orElseThrow();
            assertEquals(last, r.get("response").get("name").asText());
            return;
        }
        fail("no tool with a DETAILS API");
    }

    private static boolean isId(String key) {
        return key.matches("[a-z]{1,3}_[0-9]+");
    }
}
