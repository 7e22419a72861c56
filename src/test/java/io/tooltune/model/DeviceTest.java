package io.tooltune.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tooltune.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DeviceTest {
    @Test
    void parsesCpuAndCudaDevices() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(new Device(Device.Kind.CUDA, 0), Device.parse("cuda"));
        assertEquals(new Device(Device.Kind.CUDA, 0), Device.parse("cuda:0"));
        assertEquals(new Device(Device.Kind.CUDA, 3), Device.parse(" CUDA:3 "));
        assertEquals("cuda:3", Device.parse("cuda:3").toString());
        assertEquals(ai.djl.Device.gpu(3), Device.parse("cuda:3").toDjl());
        assertEquals(ai.djl.Device.cpu(), Device.CPU.toDjl());
        for (String bad : new String[] {"", "gpu", "cuda:", "cuda:-1", "cuda:x", "cpu:0", "tpu"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> Device.parse(bad), bad);
            assertTrue(e.getMessage().contains("expected cpu, cuda or cuda:N"), e.getMessage());
        }
    }

    @Test
    void cudaWithoutAGpuSaysWhatIsMissing() {
        assertEquals(Device.CPU, Device.CPU.requireAvailable(0));
        BadInputException e = assertThrows(BadInputException.class, () -> Device.parse("cuda").requireAvailable(0));
        assertTrue(e.getMessage().contains("CUDA build of libtorch 2.7.1") && e.getMessage().contains("PYTORCH_LIBRARY_PATH"),
                e.getMessage());
        e = assertThrows(BadInputException.class, () -> Device.parse("cuda:2").requireAvailable(2));
        assertTrue(e.getMessage().contains("sees 2 GPU(s)"), e.getMessage());
        assertEquals(Device.parse("cuda:1"), Device.parse("cuda:1").requireAvailable(2));
    }

    @Test
    void thisEngineRefusesCudaWhenItHasNoGpu() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        BadInputException e = assertThrows(BadInputException.class, () -> Device.parse("cuda").requireAvailable());
        assertTrue(e.getMessage().startsWith("--device cuda: the PyTorch engine sees no GPU"), e.getMessage());
    }

    @Test
    void managersLiveOnTheDevice() {
        try (NDManager m = Device.CPU.newManager()) {
            assertEquals(ai.djl.Device.cpu(), m.getDevice());
            assertEquals(Device.CPU, Device.of(m));
        }
    }
}
