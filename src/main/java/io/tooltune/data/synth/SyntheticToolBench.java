package io.tooltune.data.synth;

import io.tooltune.data.format.TestGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Generates a synthetic ToolBench from a seed: the catalog, training queries on seen tools (G1/G2/G3 style) and the
 * six test groups. Equal options give equal datasets; no query text repeats across splits.
 */
public final class SyntheticToolBench {
    private SyntheticToolBench() {}

    public static SynthDataset generate(SynthOptions options) {
        Random rnd = new Random(options.seed());
        Catalog catalog = CatalogGenerator.generate(rnd, options.categories(), options.keysPerDomain(),
                new Random(~options.seed()));
        ResponseSimulator sim = new ResponseSimulator(options.seed());
        Set<String> used = new HashSet<>();
        QueryGenerator gen = new QueryGenerator(sim, rnd, used, 1);

        List<String> seenCats = catalog.categories().stream()
                .filter(c -> !catalog.heldOutCategories().contains(c)).toList();
        List<String> heldCats = List.copyOf(catalog.heldOutCategories());
        List<SynthTool> seen = catalog.seenTools();
        List<SynthTool> heldTools = catalog.tools().stream()
                .filter(t -> catalog.heldOutTools().contains(t.name())).toList();
        List<SynthTool> heldCatTools = catalog.tools().stream()
                .filter(t -> catalog.heldOutCategories().contains(t.category())).toList();

        List<SynthQuery> train = new ArrayList<>();
        for (int i = 0; i < options.trainQueries(); i++) {
            int r = rnd.nextInt(10);
            if (r < 5) {
                train.add(gen.query("G1_train", List.of(pick(seen, rnd))));
            } else if (r < 8) {
                train.add(gen.query("G2_train", sameCategory(catalog, seenCats, rnd, seen)));
            } else {
                train.add(gen.query("G3_train", fromCollection(catalog, rnd, seen)));
            }
        }
        // instruction groups test tools that training actually used (all seen tools when there is no training)
        Set<String> trained = new HashSet<>();
        train.forEach(q -> q.apiList().forEach(r -> trained.add(r.tool().name())));
        List<SynthTool> seenTrained = seen.stream().filter(t -> trained.isEmpty() || trained.contains(t.name())).toList();
        Map<String, List<SynthQuery>> test = new LinkedHashMap<>();
        for (String g : TestGroup.NAMES) {
            List<SynthQuery> qs = new ArrayList<>();
            for (int i = 0; i < options.testQueriesPerGroup(); i++) {
                List<SynthTool> tools = switch (g) {
                    case "G1_instruction" -> List.of(pick(seenTrained, rnd));
                    case "G1_category" -> List.of(pick(heldCatTools, rnd));
                    case "G1_tool" -> List.of(pick(heldTools, rnd));
                    case "G2_instruction" -> sameCategory(catalog, seenCats, rnd, seenTrained);
                    case "G2_category" -> sameCategory(catalog, heldCats, rnd, heldCatTools);
                    default -> fromCollection(catalog, rnd, seenTrained);
                };
                qs.add(gen.query(g, tools));
            }
            test.put(g, List.copyOf(qs));
        }
        return new SynthDataset(options, catalog, sim, List.copyOf(train), test);
    }

    /** Two or three tools of one category, drawn from {@code allowed} (categories with two or more of them). */
    private static List<SynthTool> sameCategory(Catalog c, List<String> cats, Random rnd, List<SynthTool> allowed) {
        List<List<SynthTool>> groups = new ArrayList<>();
        for (String cat : cats) {
            groups.add(c.toolsIn(cat).stream().filter(allowed::contains).toList());
        }
        return twoOrThree(groups, rnd, allowed);
    }

    /** Two or three tools of one collection, drawn from {@code allowed}. */
    private static List<SynthTool> fromCollection(Catalog c, Random rnd, List<SynthTool> allowed) {
        List<List<SynthTool>> groups = new ArrayList<>();
        for (List<SynthTool> col : c.collections()) {
            groups.add(col.stream().filter(allowed::contains).toList());
        }
        return twoOrThree(groups, rnd, allowed);
    }

    /** From a group with two or more tools; with tiny training sets, from whatever the allowed tools offer. */
    private static List<SynthTool> twoOrThree(List<List<SynthTool>> groups, Random rnd, List<SynthTool> allowed) {
        List<List<SynthTool>> usable = groups.stream().filter(g -> g.size() >= 2).toList();
        if (usable.isEmpty()) {
            usable = groups.stream().filter(g -> !g.isEmpty()).toList();
        }
        List<SynthTool> pool = new ArrayList<>(usable.isEmpty() ? List.of(pick(allowed, rnd)) : pick(usable, rnd));
        Collections.shuffle(pool, rnd);
        return List.copyOf(pool.subList(0, Math.min(pool.size(), 2 + rnd.nextInt(2))));
    }

    private static <T> T pick(List<T> list, Random rnd) {
        return list.get(rnd.nextInt(list.size()));
    }
}
