package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offline stand-in for the LLM judge, for runs without one. It is NOT ToolEval's judgement, only a deterministic
 * approximation from the answer's structure:
 * <ul>
 * <li>check_answer_status: empty or give-up Finish, or an apology/refusal → Unsolved; otherwise Unsure (so the
 *     execution details decide, as ToolEval's second step does);</li>
 * <li>parse_answer_status: no successful (non-error, non-empty) observation → Unsolved; a final answer whose content
 *     words are supported by successful observations of called tools → Solved; otherwise Unsure when a successful
 *     call was relevant to the query (a word of the API name, or an argument value, occurs in the query), else
 *     Unsolved;</li>
 * <li>check_task_solvable: Solvable when the task offers at least one tool besides Finish, else Unsolvable;</li>
 * <li>select_better_answer: the answer with the higher score (give_answer, supported final answer, successful
 *     distinct calls, fewer steps); ties → index 0.</li>
 * </ul>
 */
public final class HeuristicJudge implements Judge {
    private static final Pattern ERROR = Pattern.compile("[\"']error[\"']:\\s*[\"'][^\"']");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}.'-]{3,}");
    private static final List<String> REFUSALS = List.of("sorry", "apologi", "unable to", "i cannot", "i can't",
            "could not", "couldn't", "not able to", "failed to", "no information", "not available");
    private static final Set<String> STOP = Set.of("this", "that", "with", "from", "have", "your", "here", "there",
            "which", "about", "their", "they", "will", "some", "also", "more", "information", "following", "provide",
            "please", "these", "those", "them", "what", "when", "where", "would", "could", "should", "been", "were");

    @Override
    public String name() {
        return "heuristic-v1";
    }

    @Override
    public JsonNode call(String function, Map<String, String> args, boolean returnReason) {
        ObjectNode v = Json.MAPPER.createObjectNode();
        String reason;
        switch (function) {
            case "check_answer_status" -> {
                FinalAnswer fa = FinalAnswer.parse(args.getOrDefault("answer", ""));
                if (fa.giveUp() || fa.text().isBlank()) {
                    v.put("answer_status", "Unsolved");
                    reason = "empty or give-up final answer";
                } else if (refusal(fa.text())) {
                    v.put("answer_status", "Unsolved");
                    reason = "the final answer is an apology or refusal";
                } else {
                    v.put("answer_status", "Unsure");
                    reason = "a positive answer; its support needs the execution details";
                }
            }
            case "parse_answer_status" -> {
                JsonNode answer = read(args.get("answer"));
                Evidence e = Evidence.of(answer);
                FinalAnswer fa = FinalAnswer.parse(answer.path("final_answer").asText(""));
                if (e.successes() == 0) {
                    v.put("answer_status", "Unsolved");
                    reason = "no tool call succeeded";
                } else if (supported(fa.text(), e.observations())) {
                    v.put("answer_status", "Solved");
                    reason = e.successes() + " successful calls support the final answer";
                } else if (e.relevant(args.getOrDefault("query", ""))) {
                    v.put("answer_status", "Unsure");
                    reason = "the final answer is not visibly supported by the observations";
                } else {
                    v.put("answer_status", "Unsolved");
                    reason = "no successful call of an API relevant to the query";
                }
            }
            case "check_task_solvable" -> {
                JsonNode task = read(args.get("task"));
                long tools = 0;
                for (JsonNode t : task.path("available_tools")) if (!t.path("name").asText().equals("Finish")) tools++;
                boolean ok = tools > 0 && !task.path("query").asText("").isBlank();
                v.put("task_status", ok ? "Solvable" : "Unsolvable");
                reason = ok ? tools + " tools available" : "no tools or no query";
            }
            case "select_better_answer" -> {
                double s0 = score(read(args.get("answer_0"))), s1 = score(read(args.get("answer_1")));
                v.put("index", s1 > s0 ? 1 : 0);
                reason = String.format(Locale.ROOT, "scores %.2f vs %.2f", s0, s1);
            }
            default -> throw new IllegalArgumentException("unknown ToolEval function " + function);
        }
        if (returnReason) v.put("reason", reason);
        return v;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "{}" : json);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    static boolean refusal(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return REFUSALS.stream().anyMatch(t::contains) && t.length() < 400;
    }

    /** At least half of the answer's distinct content words (at most 20 checked) occur in successful observations. */
    static boolean supported(String answer, String observations) {
        Set<String> words = contentWords(answer);
        if (words.isEmpty()) return false;
        String obs = observations.toLowerCase(Locale.ROOT);
        long hits = words.stream().limit(20).filter(obs::contains).count();
        return hits * 2 >= Math.min(words.size(), 20);
    }

    private static Set<String> contentWords(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group().replaceAll("[.'-]+$", "");
            if (w.length() >= 4 && !STOP.contains(w)) out.add(w);
        }
        return out;
    }

    private static double score(JsonNode answer) {
        FinalAnswer fa = FinalAnswer.parse(answer.path("final_answer").asText(""));
        Evidence e = Evidence.of(answer);
        double s = 0;
        if (!fa.giveUp() && !fa.text().isBlank()) s += 2;
        if (!fa.text().isBlank() && !refusal(fa.text())) s += 1;
        if (supported(fa.text(), e.observations())) s += 2;
        s += Math.min(e.distinctSuccesses(), 5) * 0.5;
        s -= answer.path("total_steps").asDouble(0) * 0.01;
        return s;
    }

    /** Successful observations of the non-Finish tool calls in an answer's main path. */
    record Evidence(int successes, int distinctSuccesses, String observations, List<String> calls) {
        /** Some successful call's API name word or argument value occurs in the query. */
        boolean relevant(String query) {
            String q = query.toLowerCase(Locale.ROOT);
            for (String call : calls) {
                for (String w : contentWords(call.replace('_', ' '))) if (!w.equals("for") && q.contains(w)) return true;
            }
            return false;
        }

        static Evidence of(JsonNode answer) {
            int ok = 0;
            Set<String> distinct = new HashSet<>();
            List<String> calls = new ArrayList<>();
            StringBuilder obs = new StringBuilder();
            for (JsonNode m : AnswerPath.toolMessages(answer)) {
                String name, args, response;
                if (m.isObject()) {
                    name = m.path("name").asText();
                    args = m.path("arguments").asText();
                    response = m.path("response").asText();
                } else {
                    String s = m.asText();
                    name = s.contains("'name': 'Finish'") ? "Finish" : s;
                    args = s;
                    int r = s.indexOf("'response':");
                    response = r >= 0 ? s.substring(r) : "";
                }
                if (name.equals("Finish") || !success(response)) continue;
                ok++;
                distinct.add(name + "\u0000" + args);
                calls.add(name.contains("_for_") ? name.substring(0, name.lastIndexOf("_for_")) + " " + argValues(args) : name + " " + argValues(args));
                obs.append(response).append('\n');
            }
            return new Evidence(ok, distinct.size(), obs.toString(), calls);
        }

        /** The argument values of a JSON arguments string (the text itself when it is not JSON). */
        static String argValues(String args) {
            try {
                JsonNode n = Json.MAPPER.readTree(args);
                if (n != null && n.isObject()) {
                    StringBuilder sb = new StringBuilder();
                    n.elements().forEachRemaining(v -> sb.append(v.isTextual() ? v.asText() : v.toString()).append(' '));
                    return sb.toString();
                }
            } catch (IOException ignored) {
                // arguments cut off in old converted files: use the text
            }
            return args;
        }

        static boolean success(String response) {
            String r = response.strip();
            if (r.isEmpty()) return false;
            try {
                JsonNode n = Json.MAPPER.readTree(r);
                if (n != null && n.isObject() && (n.has("error") || n.has("response"))) {
                    String err = n.path("error").asText("");
                    JsonNode body = n.path("response");
                    String b = body.isTextual() ? body.asText() : body.toString();
                    return err.isEmpty() && !b.isBlank() && !b.equals("[]") && !b.equals("{}") && !b.equals("null");
                }
            } catch (IOException ignored) {
                // Python-repr or truncated observation: judge by its text
            }
            return !ERROR.matcher(r).find();
        }
    }
}
