package io.tooltune.backend;

/**
 * The model endpoint could not answer (down, timing out, overloaded, or refusing the credentials), after any
 * retries. The agent leaves the query pending, with no answer file, so that a rerun asks again; when
 * {@link #stopsRun()} (HTTP 401/403) no other query can succeed either and the whole run stops.
 */
public final class BackendFailure extends RuntimeException {
    private final boolean stopsRun;

    public BackendFailure(String message, Throwable cause, boolean stopsRun) {
        super(message, cause);
        this.stopsRun = stopsRun;
    }

    public boolean stopsRun() {
        return stopsRun;
    }
}
