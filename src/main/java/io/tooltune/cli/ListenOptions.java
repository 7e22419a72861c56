package io.tooltune.cli;

import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where the servers ({@code apis}, {@code serve}) listen. */
final class ListenOptions {
    @Option(names = "--port", converter = Ranges.Port.class, defaultValue = "8080", description = "Port (0 picks a free one; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    /** A server bound beyond loopback answers anyone who can reach the machine, without a key: say so. */
    void warnIfReachable(PrintStream err, boolean apiKeyRequired) {
        if (apiKeyRequired) return;
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            err.println("tooltune: warning: --host " + host + " makes the server reachable from other machines, "
                    + "with no API key; use 127.0.0.1 unless that is meant");
        }
    }
}
