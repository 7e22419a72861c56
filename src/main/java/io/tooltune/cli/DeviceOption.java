package io.tooltune.cli;

import io.tooltune.model.Device;
import picocli.CommandLine.Option;

/** {@code --device} for the commands that run a model. */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "where the model runs (default ${DEFAULT-VALUE}); CUDA needs a CUDA build of libtorch 2.7.1")
    String device;

    /** The parsed device, checked against what the engine can use (a bad input otherwise). */
    public Device device() {
        return Device.parse(device).requireAvailable();
    }
}
