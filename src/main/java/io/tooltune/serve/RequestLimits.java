package io.tooltune.serve;

import io.javalin.http.Context;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * What a request may cost before the server parses or tokenizes it: a body cap (413), JSON bodies only (415, so
 * that a web page cannot post a "simple" text/plain request without a CORS preflight), and browser requests only
 * from the origins given (403 otherwise; none by default, clients outside a browser send no Origin header).
 */
public record RequestLimits(int maxRequestBytes, List<String> corsOrigins) {
    /** Four MiB: far above any prompt a local model's context holds, far below what makes tokenizing costly. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 4 << 20;
    /**
     * No token of the byte-level BPE vocabularies served covers more than 128 characters; a prompt with more than
     * this many characters per context token cannot fit and is refused without tokenizing it.
     */
    static final int MAX_CHARS_PER_TOKEN = 256;

    public RequestLimits {
        if (maxRequestBytes < 1) throw new IllegalArgumentException("maxRequestBytes must be >= 1");
        corsOrigins = List.copyOf(corsOrigins);
    }

    public static RequestLimits defaults() {
        return new RequestLimits(DEFAULT_MAX_REQUEST_BYTES, List.of());
    }

    /**
     * Refuses a browser request from an origin not allowed; an allowed one gets its CORS response headers. (Javalin's
     * CorsPlugin only withholds the headers from other origins: their requests would still run and spend model time.)
     */
    void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) return;
        if (!corsOrigins.contains(origin) && !corsOrigins.contains("*")) {
            throw new ApiException(403, "invalid_request_error", "origin_not_allowed",
                    "requests from origin " + origin + " are not allowed (serve --cors-origin)");
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
    }

    /**
     * The answer to a CORS preflight from an allowed origin: the methods served, and the headers the browser asks
     * to send (the OpenAI SDKs add their own x-stainless-* headers to Content-Type and Authorization).
     */
    static void preflight(Context ctx) {
        String asked = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", asked == null || asked.isBlank() ? "Content-Type, Authorization" : asked);
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    /** The body of a JSON POST, refused without reading past the cap. */
    byte[] readJsonBody(Context ctx) throws IOException {
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type",
                    "the request body must be JSON (Content-Type: application/json), got " + (type == null ? "none" : type));
        }
        String length = ctx.header("Content-Length");
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > maxRequestBytes) {
            throw tooLarge();
        }
        byte[] bytes = ctx.req().getInputStream().readNBytes(maxRequestBytes + 1);
        if (bytes.length > maxRequestBytes) throw tooLarge();
        return bytes;
    }

    private ApiException tooLarge() {
        return new ApiException(413, "invalid_request_error", "request_too_large",
                "the request body is over " + maxRequestBytes + " bytes (serve --max-request-bytes)");
    }

    /** Bounds that need no tokenizer: at least one token per message, at most {@link #MAX_CHARS_PER_TOKEN} characters per token. */
    static void checkCheapBounds(int messages, int promptChars, int context) {
        if (messages >= context || (long) promptChars > (long) context * MAX_CHARS_PER_TOKEN) {
            throw ApiException.invalid("context_length_exceeded", "This model's maximum context length is " + context
                    + " tokens; the request's " + messages + " messages and " + promptChars + " characters cannot fit");
        }
    }
}
