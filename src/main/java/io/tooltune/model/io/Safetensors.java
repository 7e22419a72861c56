package io.tooltune.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format as named float tensors. F32, F16 and BF16 (and integer tensors) are widened to float32 in
 * Java on reading, so DJL never sees a BF16 array; writing produces F32 with {@code {"format":"pt"}} metadata.
 */
public final class Safetensors {
    private static final long MAX_HEADER = 100_000_000L;

    private Safetensors() {}

    /** A row-major float32 tensor. */
    public record Tensor(long[] shape, float[] data) {
        public long numel() {
            return data.length;
        }
    }

    private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    /** Reads every tensor, in header order, checking the header against the file as the reference reader does. */
    public static Map<String, Tensor> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "truncated (" + size + " bytes, no header length)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER) throw bad(file, "header length " + headerLen + " is invalid");
            if (8 + headerLen > size) throw bad(file, "truncated (header of " + headerLen + " bytes, file of " + size + ")");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonNode header;
            try {
                header = Json.MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw bad(file, "header is not valid JSON");
            }
            if (header == null || !header.isObject()) throw bad(file, "header is not a JSON object");
            List<Entry> entries = entries(file, header);
            long dataLen = size - 8 - headerLen;
            long expectEnd = entries.stream().mapToLong(Entry::end).max().orElse(0);
            if (expectEnd > dataLen) throw bad(file, "truncated (data needs " + expectEnd + " bytes, has " + dataLen + ")");
            if (expectEnd < dataLen) throw bad(file, "has " + (dataLen - expectEnd) + " bytes after the last tensor");
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer raw = ch.map(FileChannel.MapMode.READ_ONLY, 8 + headerLen + e.begin(), e.end() - e.begin())
                        .order(ByteOrder.LITTLE_ENDIAN);
                out.put(e.name(), new Tensor(e.shape(), widen(raw, e.dtype(), (int) numel(e.shape()))));
            }
            return out;
        } catch (IOException e) {
            throw bad(file, "cannot read: " + e.getMessage());
        }
    }

    private static List<Entry> entries(Path file, JsonNode header) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : header.properties()) {
            if (f.getKey().equals("__metadata__")) continue;
            JsonNode t = f.getValue();
            String dtype = t.path("dtype").asText("");
            JsonNode shapeNode = t.path("shape");
            JsonNode offsets = t.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw bad(file, "tensor " + f.getKey() + " has a malformed header entry");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) throw bad(file, "tensor " + f.getKey() + " has a negative dimension");
            }
            int width = switch (dtype) {
                case "F32", "I32" -> 4;
                case "F16", "BF16", "I16" -> 2;
                case "F64", "I64" -> 8;
                case "I8", "U8", "BOOL" -> 1;
                default -> throw bad(file, "tensor " + f.getKey() + " has unsupported dtype '" + dtype + "'");
            };
            long n = numel(shape);
            if (n > Integer.MAX_VALUE - 8) throw bad(file, "tensor " + f.getKey() + " is too large (" + n + " elements)");
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end - begin != n * width) {
                throw bad(file, "tensor " + f.getKey() + " has offsets [" + begin + ", " + end + "] that disagree with "
                        + dtype + " shape " + java.util.Arrays.toString(shape));
            }
            entries.add(new Entry(f.getKey(), dtype, shape, begin, end));
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long at = 0;
        for (Entry e : entries) {
            if (e.begin() != at) throw bad(file, "tensor " + e.name() + " starts at " + e.begin() + ", expected " + at);
            at = e.end();
        }
        return entries;
    }

    private static float[] widen(ByteBuffer raw, String dtype, int n) {
        float[] data = new float[n];
        switch (dtype) {
            case "F32" -> raw.asFloatBuffer().get(data);
            case "F16" -> {
                for (int i = 0; i < n; i++) data[i] = Float.float16ToFloat(raw.getShort(2 * i));
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) data[i] = Float.intBitsToFloat((raw.getShort(2 * i) & 0xffff) << 16);
            }
            case "F64" -> {
                for (int i = 0; i < n; i++) data[i] = (float) raw.getDouble(8 * i);
            }
            case "I64" -> {
                for (int i = 0; i < n; i++) data[i] = raw.getLong(8 * i);
            }
            case "I32" -> {
                for (int i = 0; i < n; i++) data[i] = raw.getInt(4 * i);
            }
            case "I16" -> {
                for (int i = 0; i < n; i++) data[i] = raw.getShort(2 * i);
            }
            case "I8" -> {
                for (int i = 0; i < n; i++) data[i] = raw.get(i);
            }
            default -> {
                for (int i = 0; i < n; i++) data[i] = raw.get(i) & 0xff;
            }
        }
        return data;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Writes float32 tensors in the given order, the header padded with spaces to a multiple of 8 bytes. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
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
        byte[] hb = Json.MAPPER.writeValueAsBytes(header);
        int pad = (8 - hb.length % 8) % 8;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length + pad).array());
            out.write(hb);
            for (int i = 0; i < pad; i++) out.write(' ');
            ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (!b.hasRemaining()) {
                        out.write(b.array(), 0, b.position());
                        b.clear();
                    }
                    b.putFloat(v);
                }
            }
            out.write(b.array(), 0, b.position());
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static BadInputException bad(Path file, String problem) {
        return new BadInputException(file + ": " + problem);
    }
}
