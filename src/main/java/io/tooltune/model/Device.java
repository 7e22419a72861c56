package io.tooltune.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tooltune.BadInputException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compute device a command runs its model on: {@code cpu} (the default), {@code cuda} (the first GPU) or
 * {@code cuda:N}. Managers for models and arrays come from {@link #newManager()}; arrays made during a run follow
 * their model's manager. Only the CPU is tested: no GPU is available where the tests run.
 */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d{1,3}))?");

    public Device {
        if (index < 0 || kind == Kind.CPU && index != 0) throw new IllegalArgumentException("device index " + index);
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}; anything else is a bad input. */
    public static Device parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) return CPU;
        Matcher m = CUDA.matcher(s);
        if (!m.matches()) throw new BadInputException("--device: expected cpu, cuda or cuda:N, got '" + spec + "'");
        return new Device(Kind.CUDA, m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
    }

    /** This device, after checking that the engine can use it. */
    public Device requireAvailable() {
        return requireAvailable(kind == Kind.CPU ? 0 : Engine.getInstance().getGpuCount());
    }

    /** As {@link #requireAvailable()}, given the number of GPUs the engine sees. */
    Device requireAvailable(int gpuCount) {
        if (kind == Kind.CPU) return this;
        if (gpuCount == 0) {
            throw new BadInputException("--device " + this + ": the PyTorch engine sees no GPU; DJL needs a CUDA build "
                    + "of libtorch 2.7.1 (point PYTORCH_LIBRARY_PATH at one) and a visible NVIDIA GPU");
        }
        if (index >= gpuCount) {
            throw new BadInputException("--device " + this + ": the engine sees " + gpuCount + " GPU(s), numbered from 0");
        }
        return this;
    }

    /** The same device as DJL names it. */
    public ai.djl.Device toDjl() {
        return kind == Kind.CPU ? ai.djl.Device.cpu() : ai.djl.Device.gpu(index);
    }

    /** A new root manager whose arrays live on this device. */
    public NDManager newManager() {
        return NDManager.newBaseManager(toDjl());
    }

    /** The device a manager's arrays live on. */
    public static Device of(NDManager manager) {
        ai.djl.Device d = manager.getDevice();
        return d.isGpu() ? new Device(Kind.CUDA, d.getDeviceId()) : CPU;
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : index == 0 ? "cuda" : "cuda:" + index;
    }
}
