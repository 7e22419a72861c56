package io.tooltune.cli;

import picocli.CommandLine.Option;

/** Where the servers ({@code apis}, {@code serve}) listen. */
final class ListenOptions {
    @Option(names = "--port", converter = Ranges.Port.class, defaultValue = "8080", description = "Port (0 picks a free one; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;
}
