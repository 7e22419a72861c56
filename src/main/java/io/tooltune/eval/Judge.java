package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A ToolEval judge: answers one of ToolEval's functions (check_answer_status, parse_answer_status,
 * check_task_solvable, select_better_answer) for the given template arguments with the function's JSON arguments.
 */
public interface Judge {
    /** @throws JudgeUnavailableException when the judge cannot answer now (the query stays pending) */
    JsonNode call(String function, Map<String, String> args, boolean returnReason);

    /** A name recorded with every judgement (e.g. "openai:gpt-4o", "heuristic-v1"). */
    String name();

    /** The judge's settings as the report records them after its name (e.g. "; temperature 0.2"); empty if none. */
    default String settings() {
        return "";
    }

    /** The judge could not answer after its retries: an outage, not a verdict. */
    final class JudgeUnavailableException extends RuntimeException {
        public JudgeUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
