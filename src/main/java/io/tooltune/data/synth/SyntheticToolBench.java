package io.tooltune.data.synth;

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
        Catalog catalog = CatalogGenerator.generate(rnd);
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
                train.add(gen.query("G2_train", sameCategory(catalog, seenCats, rnd, true)));
            } else {
                train.add(gen.query("G3_train", fromCollection(catalog, rnd)));
            }
        }
        Map<String, List<SynthQuery>> test = new LinkedHashMap<>();
        for (String g : SynthDataset.GROUPS) {
            List<SynthQuery> qs = new ArrayList<>();
            for (int i = 0; i < options.testQueriesPerGroup(); i++) {
                List<SynthTool> tools = switch (g) {
                    case "G1_instruction" -> List.of(pick(seen, rnd));
                    case "G1_category" -> List.of(pick(heldCatTools, rnd));
                    case "G1_tool" -> List.of(pick(heldTools, rnd));
                    case "G2_instruction" -> sameCategory(catalog, seenCats, rnd, true);
                    case "G2_category" -> sameCategory(catalog, heldCats, rnd, false);
                    default -> fromCollection(catalog, rnd);
                };
                qs.add(gen.query(g, tools));
            }
            test.put(g, List.copyOf(qs));
        }
        return new SynthDataset(options, catalog, sim, List.copyOf(train), test);
    }

    /** Two or three tools of one category (seen tools only when {@code seenOnly}). */
    private static List<SynthTool> sameCategory(Catalog c, List<String> cats, Random rnd, boolean seenOnly) {
        String cat = pick(cats, rnd);
        List<SynthTool> pool = new ArrayList<>(c.toolsIn(cat).stream().filter(t -> !seenOnly || c.isSeen(t)).toList());
        Collections.shuffle(pool, rnd);
        return List.copyOf(pool.subList(0, Math.min(pool.size(), 2 + rnd.nextInt(2))));
    }

    /** Two or three tools of one collection. */
    private static List<SynthTool> fromCollection(Catalog c, Random rnd) {
        List<SynthTool> pool = new ArrayList<>(pick(c.collections(), rnd));
        Collections.shuffle(pool, rnd);
        return List.copyOf(pool.subList(0, Math.min(pool.size(), 2 + rnd.nextInt(2))));
    }

    private static <T> T pick(List<T> list, Random rnd) {
        return list.get(rnd.nextInt(list.size()));
    }
}
