package io.tooltune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a .safetensors file into float32 arrays (F32, F16 and BF16 widened in Java: DJL must never see BF16). */
public final class Safetensors {
    private Safetensors() {}

    public static Map<String, NDArray> read(Path file, NDManager manager) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > ch.size()) throw new BadInputException(file + ": not a safetensors file");
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            ch.read(header, 8);
            JsonNode h = Json.MAPPER.readTree(header.array());
            long base = 8 + headerLen;
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode t = e.getValue();
                long start = t.at("/data_offsets/0").asLong();
                long end = t.at("/data_offsets/1").asLong();
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
                ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, base + start, end - start).order(ByteOrder.LITTLE_ENDIAN);
                String dtype = t.get("dtype").asText();
                float[] values = new float[(int) ((end - start) / (dtype.equals("F32") ? 4 : 2))];
                switch (dtype) {
                    case "F32" -> data.asFloatBuffer().get(values);
                    case "F16" -> { for (int i = 0; i < values.length; i++) values[i] = Float.float16ToFloat(data.getShort(2 * i)); }
                    case "BF16" -> { for (int i = 0; i < values.length; i++) values[i] = Float.intBitsToFloat((data.getShort(2 * i) & 0xffff) << 16); }
                    default -> throw new BadInputException(file + ": tensor " + e.getKey() + ": unsupported dtype " + dtype);
                }
                out.put(e.getKey(), manager.create(values, new Shape(shape)));
            }
            return out;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
