package io.tooltune.data.synth;

import io.tooltune.BadInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Builds a catalog from the domain table: several tools per domain, each with its own brand name, API naming
 * style, key-parameter name, attribute subset and optional parameters, so tools of one domain look unalike.
 */
final class CatalogGenerator {
    static final int TOOLS_PER_DOMAIN = 3;
    static final int HELD_OUT_CATEGORIES = 3;

    private static final String[] SYLLABLES = {"nu", "mer", "ka", "lo", "vi", "tra", "zen", "qua", "do", "rix", "pa",
        "sol", "ve", "ta", "mo", "lux", "fi", "gor", "an", "bel", "cy", "dra", "el", "hex", "io", "jun", "kor", "lum",
        "nex", "or", "pi", "ro", "sa", "ti", "ul", "vo", "wex", "yo", "zor", "bri"};
    private static final String[] SUFFIXES = {" API", " Hub", "", " Data", " Pro", " Live", " Connect", " Insights",
        " v2", " Tracker", " Finder", " Info"};
    private static final String[][] OPTIONAL = {
        {"units", "ENUM", "Unit system of the values: metric or imperial", "metric"},
        {"unit_system", "ENUM", "metric or imperial", "metric"},
        {"lang", "STRING", "Language code of the response", "en"},
        {"language", "string", "Response language (ISO 639-1)", "en"},
        {"locale", "STRING", "Locale used for text fields", "en_US"},
        {"format", "STRING", "Response format", "json"},
        {"include_meta", "BOOLEAN", "Whether to include metadata", "false"},
        {"date", "DATE (YYYY-MM-DD)", "Reference date; today when omitted", "2024-05-01"},
    };
    private static final String[] SEARCH_PARAMS = {"query", "q", "name", "keyword", "search_term", "term"};
    private static final String[] ID_PARAMS = {"id", "ENTITY_id", "item_id", "ref", "uid", "entry_id"};

    private CatalogGenerator() {}

    /**
     * A catalog over all categories of the domain table, or over the first {@code limit} of a seeded shuffle (limit >
     * 0), with {@code keysPerDomain} key values in each domain (the listed ones and made-up ones, drawn with
     * {@code keyRnd} so that the rest of the catalog does not depend on their number).
     */
    static Catalog generate(Random rnd, int limit, int keysPerDomain, Random keyRnd) {
        List<Domain> all = Domains.load().stream()
                .map(d -> d.withKeyPool(KeyValueMaker.pool(d.keyValues(), keysPerDomain, keyRnd))).toList();
        List<String> categories = new ArrayList<>(new LinkedHashSet<>(all.stream().map(Domain::category).toList()));
        if (limit > categories.size()) {
            throw new BadInputException("--categories: must be 0 (all) or between " + SynthOptions.MIN_CATEGORIES
                    + " and " + categories.size() + " (the domain table's), got " + limit);
        }
        List<String> shuffled = new ArrayList<>(categories);
        Collections.shuffle(shuffled, rnd);
        if (limit > 0 && limit < categories.size()) {
            Set<String> kept = Set.copyOf(shuffled.subList(0, limit));
            categories.retainAll(kept);
            shuffled.retainAll(kept);
        }
        List<Domain> domains = all.stream().filter(d -> categories.contains(d.category())).toList();
        Set<String> heldOutCategories = new LinkedHashSet<>(shuffled.subList(0, HELD_OUT_CATEGORIES));

        Set<String> usedNames = new HashSet<>();
        List<SynthTool> tools = new ArrayList<>();
        for (Domain d : domains) {
            List<String> keys = new ArrayList<>(d.keyNames());
            Collections.shuffle(keys, rnd);
            for (int i = 0; i < TOOLS_PER_DOMAIN; i++) {
                tools.add(tool(d, keys.get(i % keys.size()), rnd, usedNames));
            }
        }
        Set<String> heldOutTools = new LinkedHashSet<>();
        for (String c : categories) {
            if (!heldOutCategories.contains(c)) {
                List<SynthTool> in = tools.stream().filter(t -> t.category().equals(c)).toList();
                heldOutTools.add(in.get(rnd.nextInt(in.size())).name());
            }
        }
        Catalog partial = new Catalog(List.copyOf(categories), List.copyOf(tools), heldOutCategories, heldOutTools,
                List.of());
        return new Catalog(partial.categories(), partial.tools(), heldOutCategories, heldOutTools,
                collections(partial, rnd));
    }

    /** Collections of three seen tools from three different categories. */
    private static List<List<SynthTool>> collections(Catalog c, Random rnd) {
        List<SynthTool> seen = new ArrayList<>(c.seenTools());
        Collections.shuffle(seen, rnd);
        List<List<SynthTool>> out = new ArrayList<>();
        while (out.size() < 8) {
            List<SynthTool> col = new ArrayList<>();
            Set<String> cats = new HashSet<>();
            for (SynthTool t : seen) {
                if (col.size() < 3 && cats.add(t.category())) {
                    col.add(t);
                }
            }
            seen.removeAll(col);
            seen.addAll(col);
            out.add(List.copyOf(col));
        }
        return List.copyOf(out);
    }

    private static SynthTool tool(Domain d, String keyName, Random rnd, Set<String> usedNames) {
        String name;
        do {
            String brand = cap(pick(SYLLABLES, rnd) + pick(SYLLABLES, rnd) + (rnd.nextBoolean() ? pick(SYLLABLES, rnd) : ""));
            name = brand + pick(SUFFIXES, rnd);
        } while (!usedNames.add(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")));

        List<Domain.Attribute> attrs = new ArrayList<>(d.attributes());
        Collections.shuffle(attrs, rnd);
        attrs = attrs.subList(0, Math.min(attrs.size(), 3 + rnd.nextInt(3)));
        boolean chain = attrs.size() >= 4 || rnd.nextInt(3) == 0;
        List<Domain.Attribute> lookupAttrs = chain ? attrs.subList(0, attrs.size() - 1 - rnd.nextInt(2)) : attrs;
        if (lookupAttrs.isEmpty()) {
            lookupAttrs = attrs.subList(0, 1);
        }
        int style = rnd.nextInt(4);
        List<SynthParam> optional = new ArrayList<>();
        for (String[] o : OPTIONAL) {
            // at most one: every optional parameter lengthens each function schema in the prompt
            if (rnd.nextInt(5) == 0 && optional.isEmpty()) {
                optional.add(new SynthParam(o[0], o[1], o[2], o[3]));
            }
        }
        String keyType = rnd.nextInt(4) == 0 ? "string" : "STRING";
        SynthParam key = new SynthParam(keyName, keyType, keyDescription(d, rnd), d.keyValues().get(0));

        List<SynthApi> apis = new ArrayList<>();
        for (int i = 0; i < lookupAttrs.size(); ) {
            int n = Math.min(lookupAttrs.size() - i, 1 + rnd.nextInt(2));
            List<Domain.Attribute> group = List.copyOf(lookupAttrs.subList(i, i + n));
            i += n;
            apis.add(new SynthApi(lookupName(style, d, group), lookupDescription(d, group, rnd), "GET", List.of(key),
                    List.copyOf(optional), SynthApi.Kind.LOOKUP, keyName, group));
        }
        if (chain) {
            String q = pick(SEARCH_PARAMS, rnd);
            String idName = pick(ID_PARAMS, rnd).replace("ENTITY", d.entity().replaceAll("[^a-z]+", "_"));
            apis.add(new SynthApi(searchName(style, d), "Search " + d.plural() + " by name and get their ids.",
                    "GET", List.of(new SynthParam(q, "STRING", "Name of the " + d.entity() + " to search for",
                    d.keyValues().get(1))), List.of(new SynthParam("limit", "NUMBER", "Maximum number of results", "10")),
                    SynthApi.Kind.SEARCH, q, List.of()));
            apis.add(new SynthApi(detailsName(style, d), "All details of a " + d.entity() + " given its id: "
                    + phrases(attrs) + ".", "GET", List.of(new SynthParam(idName, "STRING",
                    "The " + d.entity() + " id returned by the search", "")), List.of(), SynthApi.Kind.DETAILS, idName,
                    List.copyOf(attrs)));
        }
        if (rnd.nextInt(3) == 0) {
            apis.add(new SynthApi(listName(style, d), "Lists every " + d.entity() + " this service knows.", "GET",
                    List.of(), List.of(), SynthApi.Kind.LIST, null, List.of()));
        }
        Collections.shuffle(apis, rnd);
        String desc = switch (rnd.nextInt(4)) {
            case 0 -> name + " offers " + d.entity() + " data: " + phrases(attrs) + ".";
            case 1 -> "Real-time " + d.entity() + " information (" + phrases(attrs) + ") through a simple REST API.";
            case 2 -> "Look up " + d.plural() + " and get their " + phrases(attrs) + ".";
            default -> "The " + d.entity() + " database for developers: " + phrases(attrs) + " and more.";
        };
        String host = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", "")
                + ".p.rapidapi.com";
        return new SynthTool(d.category(), name, desc, host, d, List.copyOf(apis));
    }

    private static String keyDescription(Domain d, Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> "";
            case 1 -> "The " + d.entity() + " to look up";
            default -> "Name of the " + d.entity() + ", e.g. " + d.keyValues().get(0);
        };
    }

    private static String lookupName(int style, Domain d, List<Domain.Attribute> group) {
        String first = group.get(0).field();
        return switch (style) {
            case 0 -> "Get " + cap(d.entity()) + " " + words(group);
            case 1 -> "/" + d.entity().replace(' ', '-') + "/" + first.replace('_', '-');
            case 2 -> d.entity() + " " + first.replace('_', ' ') + (group.size() > 1 ? " and more" : "");
            default -> "fetch" + camel(d.entity()) + camel(first.replace('_', ' '));
        };
    }

    private static String searchName(int style, Domain d) {
        return switch (style) {
            case 0 -> "Search " + cap(d.plural());
            case 1 -> "/" + d.plural().replace(' ', '-') + "/search";
            case 2 -> d.entity() + " search";
            default -> "find" + camel(d.plural());
        };
    }

    private static String detailsName(int style, Domain d) {
        return switch (style) {
            case 0 -> cap(d.entity()) + " Details";
            case 1 -> "/" + d.entity().replace(' ', '-') + "/details";
            case 2 -> d.entity() + " info by id";
            default -> "get" + camel(d.entity()) + "ById";
        };
    }

    private static String listName(int style, Domain d) {
        return switch (style) {
            case 0 -> "List " + cap(d.plural());
            case 1 -> "/" + d.plural().replace(' ', '-');
            case 2 -> "all " + d.plural();
            default -> "list" + camel(d.plural());
        };
    }

    private static String lookupDescription(Domain d, List<Domain.Attribute> group, Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> "Returns the " + phrases(group) + " of a " + d.entity() + ".";
            case 1 -> "Get " + phrases(group) + " for the given " + d.entity();
            default -> cap(phrases(group)) + " by " + d.entity() + " name";
        };
    }

    static String phrases(List<Domain.Attribute> attrs) {
        List<String> p = attrs.stream().map(Domain.Attribute::phrase).toList();
        return p.size() == 1 ? p.get(0) : String.join(", ", p.subList(0, p.size() - 1)) + " and " + p.getLast();
    }

    private static String words(List<Domain.Attribute> group) {
        return String.join(" and ", group.stream().map(a -> cap(a.phrase())).toList());
    }

    private static String camel(String s) {
        StringBuilder b = new StringBuilder();
        for (String w : s.split("[ _-]+")) {
            b.append(cap(w));
        }
        return b.toString();
    }

    static String cap(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static <T> T pick(T[] a, Random rnd) {
        return a[rnd.nextInt(a.length)];
    }
}
