package io.tooltune.data.synth;

import io.tooltune.data.format.ToolNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes queries over given tools: each asks for attributes of entities, phrased through one of several templates
 * with varied openers, connectors and values; the gold calls are the shortest call sequence that yields the
 * answer (a lookup, or search then details by the returned id).
 */
final class QueryGenerator {
    private static final String[] ASK = {
        "What is the %1$s of the %2$s %3$s?",
        "Could you tell me the %1$s for %3$s?",
        "I need to know the %1$s of %3$s.",
        "Please look up the %1$s of %2$s '%3$s'.",
        "Find out the %1$s for the %2$s called %3$s.",
        "Give me the %1$s of %3$s, please.",
        "Can you check the %1$s of \"%3$s\"?",
        "What %1$s does the %2$s %3$s have?",
        "Report the %1$s for %2$s %3$s.",
        "I'm curious about %3$s: what is its %1$s?",
        "Do you know the current %1$s of %3$s?",
        "Tell me the %1$s of the %2$s named %3$s.",
    };
    private static final String[] OPENERS = {"", "", "", "Hi! ", "Quick question: ", "I'm preparing a report. ",
        "For a project I'm working on, I need some data. ", "My colleague asked me something. ", "Hello, ",
        "I'm planning ahead. "};
    private static final String[] CLOSERS = {"", "", "", " Thanks!", " Thank you in advance.",
        " I'd appreciate a quick answer.", " Please be precise.", " It would help me a lot."};
    private static final String[] CONNECTORS = {" Also, ", " In addition, ", " Besides that, ", " And ",
        " Moreover, "};
    private static final String[] ANSWER = {
        "The %1$s of %2$s is %3$s.",
        "%2$s has a %1$s of %3$s.",
        "For %2$s, the %1$s is %3$s.",
        "%2$s: the %1$s is %3$s.",
    };

    private final ResponseSimulator sim;
    private final Random rnd;
    private final Set<String> usedQueries;
    private long nextId;

    QueryGenerator(ResponseSimulator sim, Random rnd, Set<String> usedQueries, long firstId) {
        this.sim = sim;
        this.rnd = rnd;
        this.usedQueries = usedQueries;
        this.nextId = firstId;
    }

    /** A query asking one or two things of each tool, offering all APIs of a single tool or a sample for several. */
    SynthQuery query(String group, List<SynthTool> tools) {
        for (int attempt = 0; ; attempt++) {
            List<Intent> intents = new ArrayList<>();
            for (SynthTool t : tools) {
                int n = tools.size() == 1 ? 1 + rnd.nextInt(2) : 1;
                for (int i = 0; i < n; i++) {
                    Intent in = intent(t);
                    // never ask the same thing twice in one query
                    if (intents.stream().noneMatch(x -> x.tool == t && x.attr.equals(in.attr) && x.key.equals(in.key))) {
                        intents.add(in);
                    }
                }
            }
            StringBuilder q = new StringBuilder(CatalogGenerator.pick(OPENERS, rnd));
            StringBuilder a = new StringBuilder();
            List<GoldCall> calls = new ArrayList<>();
            List<String> facts = new ArrayList<>();
            for (int i = 0; i < intents.size(); i++) {
                Intent in = intents.get(i);
                String ask = String.format(Locale.ROOT, CatalogGenerator.pick(ASK, rnd), in.attr.phrase(), in.tool.domain().entity(),
                        in.key);
                if (i > 0) {
                    q.append(CatalogGenerator.pick(CONNECTORS, rnd))
                            .append(ask.startsWith("I") ? ask : Character.toLowerCase(ask.charAt(0)) + ask.substring(1));
                } else {
                    q.append(ask);
                }
                String fact = ResponseSimulator.fact(in.value);
                String shown = in.attr.unit().isEmpty() ? fact : fact + " " + in.attr.unit();
                if (i > 0) {
                    a.append(' ');
                }
                a.append(CatalogGenerator.cap(String.format(Locale.ROOT, CatalogGenerator.pick(ANSWER, rnd), in.attr.phrase(),
                        in.key, shown)));
                for (GoldCall c : in.calls) {
                    if (!calls.contains(c)) {
                        calls.add(c);
                    }
                }
                facts.add(fact);
            }
            q.append(CatalogGenerator.pick(CLOSERS, rnd));
            String text = q.toString();
            if (usedQueries.add(text) || attempt > 50) {
                return new SynthQuery(group, nextId++, text, apiList(tools, calls), List.copyOf(calls), a.toString(),
                        List.copyOf(facts));
            }
        }
    }

    private record Intent(SynthTool tool, Domain.Attribute attr, String key, Object value, List<GoldCall> calls) {}

    private Intent intent(SynthTool t) {
        List<Domain.Attribute> attrs = new ArrayList<>();
        for (SynthApi api : t.apis()) {
            for (Domain.Attribute a : api.attributes()) {
                if (!attrs.contains(a)) {
                    attrs.add(a);
                }
            }
        }
        Domain.Attribute attr = attrs.get(rnd.nextInt(attrs.size()));
        String key = t.domain().keyPool().get(rnd.nextInt(t.domain().keyPool().size()));
        List<GoldCall> calls = new ArrayList<>();
        SynthApi lookup = t.apis().stream()
                .filter(a -> a.kind() == SynthApi.Kind.LOOKUP && a.attributes().contains(attr)).findFirst().orElse(null);
        if (lookup != null) {
            calls.add(call(t, lookup, key));
        } else {
            SynthApi search = t.apis().stream().filter(a -> a.kind() == SynthApi.Kind.SEARCH).findFirst().orElseThrow();
            SynthApi details = t.apis().stream().filter(a -> a.kind() == SynthApi.Kind.DETAILS).findFirst().orElseThrow();
            calls.add(call(t, search, key));
            calls.add(call(t, details, sim.idOf(t, key)));
        }
        return new Intent(t, attr, key, sim.value(t, key, attr), calls);
    }

    private static GoldCall call(SynthTool t, SynthApi api, String keyValue) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(ToolNames.pureApiName(api.keyParam()), keyValue);
        return new GoldCall(t.category(), t.name(), api.name(), Collections.unmodifiableMap(args));
    }

    /** One tool: all its APIs. Several: each tool's gold APIs plus one other, in the tool's API order. */
    private List<SynthQuery.ApiRef> apiList(List<SynthTool> tools, List<GoldCall> calls) {
        List<SynthQuery.ApiRef> out = new ArrayList<>();
        for (SynthTool t : tools) {
            List<SynthApi> others = new ArrayList<>(t.apis().stream()
                    .filter(a -> calls.stream().noneMatch(c -> c.toolName().equals(t.name()) && c.apiName().equals(a.name())))
                    .toList());
            Collections.shuffle(others, rnd);
            List<SynthApi> keep = tools.size() == 1 ? others : others.subList(0, Math.min(1, others.size()));
            for (SynthApi a : t.apis()) {
                boolean gold = calls.stream().anyMatch(c -> c.toolName().equals(t.name()) && c.apiName().equals(a.name()));
                if (gold || keep.contains(a)) {
                    out.add(new SynthQuery.ApiRef(t, a));
                }
            }
        }
        return List.copyOf(out);
    }
}
