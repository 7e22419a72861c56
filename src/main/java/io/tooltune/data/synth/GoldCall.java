package io.tooltune.data.synth;

import java.util.Map;

/**
 * One expected API call: the API by its original names (as in api_list) and the arguments keyed by the parameter
 * names the function schema exposes (standardized, change_name applied), in call order.
 */
public record GoldCall(String category, String toolName, String apiName, Map<String, Object> arguments) {}
