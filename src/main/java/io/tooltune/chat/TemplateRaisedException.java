package io.tooltune.chat;

import io.tooltune.BadInputException;

/** The chat template refused the conversation ({@code raise_exception(message)}); the message is the template's own. */
public final class TemplateRaisedException extends BadInputException {
    public TemplateRaisedException(String message) {
        super(message);
    }
}
