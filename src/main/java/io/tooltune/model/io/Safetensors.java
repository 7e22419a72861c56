package io.tooltune.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** safetensors files as named float tensors: F32, F16 and BF16 are widened to float32 on reading; written as F32. */
public final class Safetensors {
    private Safetensors() {}

    public record Tensor(long[] shape, float[] data) {}

    public static Map<String, Tensor> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > 100_000_000 || headerLen + 8 > ch.size()) {
                throw new BadInputException(file + ": not a safetensors file (header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonNode header = Json.MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long base = 8 + headerLen;
            Map<String, Tensor> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = header.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode t = e.getValue();
                String dtype = t.get("dtype").asText();
                long[] shape = new long[t.get("shape").size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                    n *= shape[i];
                }
                long start = t.get("data_offsets").get(0).asLong();
                long end = t.get("data_offsets").get(1).asLong();
                ByteBuffer raw = ch.map(FileChannel.MapMode.READ_ONLY, base + start, end - start).order(ByteOrder.LITTLE_ENDIAN);
                float[] data = new float[(int) n];
                switch (dtype) {
                    case "F32" -> raw.asFloatBuffer().get(data);
                    case "F16" -> {
                        for (int i = 0; i < n; i++) data[i] = Float.float16ToFloat(raw.getShort(2 * i));
                    }
                    case "BF16" -> {
                        for (int i = 0; i < n; i++) data[i] = Float.intBitsToFloat((raw.getShort(2 * i) & 0xffff) << 16);
                    }
                    case "I64" -> {
                        for (int i = 0; i < n; i++) data[i] = raw.getLong(8 * i);
                    }
                    default -> throw new BadInputException(file + ": tensor " + e.getKey() + " has unsupported dtype " + dtype);
                }
                out.put(e.getKey(), new Tensor(shape, data));
            }
            return out;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read safetensors: " + e.getMessage(), e);
        }
    }

    /** Writes float32 tensors in the given order. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectNode header = Json.MAPPER.createObjectNode();
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
            long len = 4L * e.getValue().data().length;
            t.putArray("data_offsets").add(off).add(off + len);
            off += len;
        }
        header.putObject("__metadata__").put("format", "pt");
        byte[] hb = Json.MAPPER.writeValueAsBytes(header);
        int pad = (8 - hb.length % 8) % 8;
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length + pad);
            out.write(len.array());
            out.write(hb);
            for (int i = 0; i < pad; i++) out.write(' ');
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.data());
                out.write(b.array());
            }
        }
    }
}
