package io.tooltune;

/**
 * A user error: a bad file, record, flag or prompt. The CLI prints its message as one line on stderr and exits
 * with code 2, never a stack trace. The message names the file or record and the problem.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
