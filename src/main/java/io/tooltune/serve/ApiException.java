package io.tooltune.serve;

/** A request the server refuses, answered as OpenAI's {@code {"error":{"message","type","code"}}} with a 4xx status. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;

    public ApiException(int status, String type, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public static ApiException invalid(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message);
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
