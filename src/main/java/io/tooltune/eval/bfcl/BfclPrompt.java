package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.python.PythonJson;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages BFCL sends a prompt-mode model for a single-turn entry (default format
 * {@code ret_fmt=python&tool_call_tag=False&func_doc_fmt=json&prompt_fmt=plaintext&style=classic}): each function's
 * description gains the Python hint, the functions are dumped as {@code json.dumps(functions, indent=4)}, and the
 * system prompt goes first (merged in front of an existing system message).
 */
public final class BfclPrompt {
    /** BFCL's prompt text; {@code %s} is the function list. Protocol: reproduced byte for byte. */
    static final String SYSTEM_PROMPT = "You are an expert in composing functions.You are given a question and a set of "
            + "possible functions. Based on the question, you will need to make one or more function/tool calls to achieve "
            + "the purpose. If none of the functions can be used, point it out. If the given question lacks the parameters "
            + "required by the function, also point it out.\n\nYou should only return the function calls in your response."
            + "\n\nIf you decide to invoke any of the function(s), you MUST put it in the format of [func_name1(params_name1="
            + "params_value1, params_name2=params_value2...), func_name2(params)].  You SHOULD NOT include any other text in "
            + "the response.\n\nAt each turn, you should try your best to complete the tasks requested by the user within "
            + "the current turn. Continue to output functions to call until you have fulfilled the user's request to the "
            + "best of your ability. Once you have no more functions to call, the system will consider the current turn "
            + "complete and proceed to the next turn or task.\n\nHere is a list of functions in json format that you can "
            + "invoke.\n%s\n";

    static final String PYTHON_HINT = " Note that the provided function is in Python 3 syntax.";

    /** Sampling temperature BFCL uses unless told otherwise. */
    public static final double DEFAULT_TEMPERATURE = 0.001;

    private BfclPrompt() {}

    /** The chat messages for an entry's first (only) turn. */
    static List<ObjectNode> messages(JsonNode question, JsonNode functions) {
        ArrayNode docs = functions.deepCopy();
        for (JsonNode f : docs) ((ObjectNode) f).put("description", f.path("description").asText("") + PYTHON_HINT);
        String system = SYSTEM_PROMPT.replace("%s", PythonJson.dumps(docs, 4));
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode m : question.path(0)) out.add(((ObjectNode) m).deepCopy());
        if (!out.isEmpty() && out.get(0).path("role").asText().equals("system")) {
            out.get(0).put("content", system + "\n\n" + out.get(0).path("content").asText());
        } else {
            out.add(0, Json.MAPPER.createObjectNode().put("role", "system").put("content", system));
        }
        return out;
    }
}
