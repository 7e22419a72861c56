package io.tooltune.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.util.Map;

/** ToolEval's tooleval_gpt-3.5-turbo_default template texts and function schemas (protocol: reproduced verbatim). */
public final class ToolEvalPrompts {
    private ToolEvalPrompts() {}

    private static final Map<String, String> TEMPLATES = Map.of(
            "check_answer_status", """

Giving the query and answer, you need give `answer_status` of the answer by following rules:
1. If the answer is a sorry message or not a positive/straight response for the given query, return "Unsolved".
2. If the answer is a positive/straight response for the given query, you have to further check.
2.1 If the answer is not sufficient to determine whether the solve the query or not, return "Unsure".
2.2 If you are confident that the answer is sufficient to determine whether the solve the query or not, return "Solved" or "Unsolved".

Query:
{query}
Answer:
{answer}

Now give your reason in "content" and `answer_status` of JSON to `check_answer_status`.
""",
            "parse_answer_status", """

Giving the query and the correspond execution detail of an answer, you need give `answer_status` of the answer by following rules:
1. If all 'tool' nodes' message indicate that there are errors happened, return "Unsolved"
2. If you find the information in the "final_answer" is not true/valid according to the messages in 'tool' nodes, return "Unsolved"
3. If you are unable to verify the authenticity and validity of the information, return "Unsure"
4. If there are 'tool' node in the chain contains successful func calling and those calling indeed solve the query, return "Solved"

Query:
{query}
Answer:
{answer}

Now you are requested to give reason in "content" and `answer_status` of JSON to `parse_answer_status`.
""",
            "check_task_solvable", """

Please check whether the given task solvable with following rules:
1. If the `query` provide invalid information (e.g. invalid email address or phone number), return "Unsolvable"
2. If the `query` needs more information to solve (e.g. the target restaurant name in a navigation task), return "Unsolvable"
3. If you are unable to draw a conclusion, return "Unsure"
4. If the currently `available_tools` are enough to solve the query, return "Solvable"

Task:
{task}

Now give your reason in "content" and `task_status` of JSON to `check_task_solvable`.
""",
            "select_better_answer", """

Query:
{query}

Answer_0:
{answer_0}

Answer_1:
{answer_1}

Given above query and answers in JSON format, you must follow the rules to select the relatively better answer and give the index of the answer **(0 for Answer_0, 1 for Answer_1)**:
1. Compare the value of "final_answer" in following aspects:
- Informative: whether it contains all necessary information to reply to the query.
- Factuality: whether it accurately describes what has been done, and what failed in the end.
- Reasoning: If answer does not solve the query, whether gives a detailed and accurate reason for failure.
2. If you cannot determine yet, compare the value of "answer_details" in following aspects:
- Tool calling costs: calculating the percentage of failed and replicated tools calling.
- Running costs: calculating the total tokens T used in execution.
- Milestone: calculating the milestone(fixed subtasks) reached in execution.
- Exploration: whether tries potential useful tools in execution. Just count times of successful tool calling with different tools/arguments in execution.

If you have made your decision, calling `select_better_answer`, else if you cannot determine, select a random answer.
""");

    private static final String STATUS = "Parse the json answer with layerd nodes and return the answer_status about the answer";

    private static final Map<String, String> SCHEMAS = Map.of(
            "check_answer_status", "{\"name\":\"check_answer_status\",\"description\":\"" + STATUS + "\",\"parameters\":{\"type\":\"object\",\"properties\":{\"answer_status\":{\"type\":\"string\",\"enum\":[\"Unsure\",\"Unsolved\",\"Solved\"]}},\"required\":[\"answer_status\"]}}",
            "parse_answer_status", "{\"name\":\"parse_answer_status\",\"description\":\"" + STATUS + "\",\"parameters\":{\"type\":\"object\",\"properties\":{\"answer_status\":{\"type\":\"string\",\"enum\":[\"Unsure\",\"Unsolved\",\"Solved\"]}},\"required\":[\"answer_status\"]}}",
            "check_task_solvable", "{\"name\":\"check_task_solvable\",\"description\":\"Parse the task description and return the task_status about the task\",\"parameters\":{\"type\":\"object\",\"properties\":{\"task_status\":{\"type\":\"string\",\"enum\":[\"Unsure\",\"Unsolvable\",\"Solvable\"]}},\"required\":[\"task_status\"]}}",
            "select_better_answer", "{\"name\":\"select_better_answer\",\"description\":\"Select the better answer with a comprehensive investigation on given aspects. You should ignore the impact of the order of candidate answers.\",\"parameters\":{\"type\":\"object\",\"properties\":{\"index\":{\"type\":\"number\",\"description\":\"The `index` value in the selected better answer.\"}},\"required\":[\"index\"]}}");

    /** The user message: the template with Python {@code str.format} of the arguments (one pass, no re-expansion). */
    public static String prompt(String function, Map<String, String> args) {
        String t = TEMPLATES.get(function);
        if (t == null) throw new IllegalArgumentException("unknown ToolEval function " + function);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < t.length()) {
            int open = t.indexOf('{', i);
            if (open < 0) break;
            int close = t.indexOf('}', open);
            String key = t.substring(open + 1, close);
            sb.append(t, i, open).append(args.getOrDefault(key, ""));
            i = close + 1;
        }
        return sb.append(t.substring(i)).toString();
    }

    /** The function schema; with {@code returnReason} a required string "reason" ("explain your answer.") is added. */
    public static ObjectNode schema(String function, boolean returnReason) {
        try {
            ObjectNode s = (ObjectNode) Json.MAPPER.readTree(SCHEMAS.get(function));
            if (returnReason) {
                ObjectNode params = (ObjectNode) s.get("parameters");
                params.withArray("required").add("reason");
                ObjectNode reason = params.with("properties").putObject("reason");
                reason.put("type", "string");
                reason.put("description", "explain your answer.");
            }
            return s;
        } catch (IOException e) {
            throw new BadInputException("ToolEval schema " + function + ": " + e.getMessage());
        }
    }
}
