package io.tooltune.serve;

/**
 * A request the server refuses, answered as OpenAI's {@code {"error":{"message","type","param","code"}}} with a 4xx
 * status; {@code param} names the offending request field where there is one (else null).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;

    public ApiException(int status, String type, String code, String message) {
        this(status, type, code, message, null);
    }

    private ApiException(int status, String type, String code, String message, String param) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static ApiException invalid(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message);
    }

    /** A 400 about request field {@code param}; the message starts with the field's name. */
    public static ApiException invalidParam(String param, String code, String problem) {
        return new ApiException(400, "invalid_request_error", code, param + ": " + problem, param);
    }

    public String param() {
        return param;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }
}
