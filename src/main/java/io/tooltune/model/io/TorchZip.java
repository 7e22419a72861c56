package io.tooltune.model.io;

import io.tooltune.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * torch.save's zip format (pytorch_model.bin) holding a state dict: {@code <prefix>/data.pkl} is unpickled by
 * {@link Pickle}, whose persistent ids name storages stored as {@code <prefix>/data/<key>}; tensors are rebuilt from
 * storage, offset, size and stride and widened to float32 (float16, bfloat16, float32, float64 and integer storages).
 */
public final class TorchZip {
    private TorchZip() {}

    /** A storage named by a persistent id: {@code ('storage', torch.HalfStorage, '0', 'cpu', numel)}. */
    record StorageRef(String type, String key, long numel) {}

    /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    public static Map<String, Safetensors.Tensor> read(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = prefix(zip, file);
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            if (pkl == null) throw Safetensors.bad(file, "no " + prefix + "data.pkl record (not a torch.save zip)");
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null && !new String(bytes(zip, order), StandardCharsets.US_ASCII).trim().equals("little")) {
                throw Safetensors.bad(file, "big-endian storages are not supported");
            }
            Object root = new Pickle(bytes(zip, pkl), TorchZip::persistentLoad, TorchZip::reduce).load();
            if (!(root instanceof Map<?, ?> dict)) throw Safetensors.bad(file, "data.pkl holds no state dict");
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) continue;
                ByteBuffer storage = storages.computeIfAbsent(t.storage().key(), key -> {
                    ZipEntry entry = zip.getEntry(prefix + "data/" + key);
                    if (entry == null) throw Safetensors.bad(file, "storage " + key + " of tensor " + name + " is missing");
                    return ByteBuffer.wrap(bytes(zip, entry)).order(ByteOrder.LITTLE_ENDIAN);
                });
                out.put(name, materialize(file, name, t, storage));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) throw b;
            throw Safetensors.bad(file, "corrupt torch.save file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static String prefix(ZipFile zip, Path file) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        if (!entries.hasMoreElements()) throw Safetensors.bad(file, "empty zip archive");
        String first = entries.nextElement().getName();
        int slash = first.indexOf('/');
        return slash < 0 ? "" : first.substring(0, slash + 1);
    }

    private static byte[] bytes(ZipFile zip, ZipEntry entry) {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Object persistentLoad(Object pid) {
        if (pid instanceof Object[] t && t.length >= 5 && "storage".equals(t[0]) && t[1] instanceof Pickle.Global type) {
            return new StorageRef(type.name(), String.valueOf(t[2]), ((Number) t[4]).longValue());
        }
        throw new IllegalArgumentException("unknown persistent id");
    }

    private static Object reduce(Pickle.Global callable, Object[] args) {
        return switch (callable.module() + "." + callable.name()) {
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" ->
                    new TensorRef((StorageRef) args[0], ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
            case "torch._utils._rebuild_parameter" -> args[0];
            case "collections.OrderedDict" -> new LinkedHashMap<>();
            default -> new Pickle.Reduced(callable, args);
        };
    }

    private static long[] longs(Object tuple) {
        Object[] t = (Object[]) tuple;
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) out[i] = ((Number) t[i]).longValue();
        return out;
    }

    private static Safetensors.Tensor materialize(Path file, String name, TensorRef t, ByteBuffer storage) {
        int width = switch (t.storage().type()) {
            case "FloatStorage", "IntStorage" -> 4;
            case "HalfStorage", "BFloat16Storage", "ShortStorage" -> 2;
            case "DoubleStorage", "LongStorage" -> 8;
            case "ByteStorage", "CharStorage", "BoolStorage" -> 1;
            default -> throw Safetensors.bad(file, "tensor " + name + " has unsupported storage " + t.storage().type());
        };
        if ((long) storage.capacity() < t.storage().numel() * width) {
            throw Safetensors.bad(file, "storage " + t.storage().key() + " is truncated (" + storage.capacity() + " bytes, needs "
                    + t.storage().numel() * width + ")");
        }
        long n = Safetensors.numel(t.size());
        long last = t.offset();
        for (int d = 0; d < t.size().length; d++) if (t.size()[d] > 0) last += (t.size()[d] - 1) * t.stride()[d];
        if (n > 0 && (t.offset() < 0 || last >= t.storage().numel())) {
            throw Safetensors.bad(file, "tensor " + name + " reaches outside its storage");
        }
        float[] data = new float[Math.toIntExact(n)];
        int rank = t.size().length;
        long[] idx = new long[rank];
        for (int i = 0; i < data.length; i++) {
            long at = t.offset();
            for (int d = 0; d < rank; d++) at += idx[d] * t.stride()[d];
            data[i] = element(storage, t.storage().type(), (int) at);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < t.size()[d]) break;
                idx[d] = 0;
            }
        }
        return new Safetensors.Tensor(t.size(), data);
    }

    private static float element(ByteBuffer b, String type, int i) {
        return switch (type) {
            case "FloatStorage" -> b.getFloat(4 * i);
            case "HalfStorage" -> Float.float16ToFloat(b.getShort(2 * i));
            case "BFloat16Storage" -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
            case "DoubleStorage" -> (float) b.getDouble(8 * i);
            case "LongStorage" -> b.getLong(8 * i);
            case "IntStorage" -> b.getInt(4 * i);
            case "ShortStorage" -> b.getShort(2 * i);
            case "CharStorage" -> b.get(i);
            default -> b.get(i) & 0xff;
        };
    }

}
