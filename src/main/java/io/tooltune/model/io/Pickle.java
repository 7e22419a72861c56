package io.tooltune.model.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A small unpickler for the opcodes that state dicts and similar plain data use (protocols 2-4). Tuples become
 * {@code Object[]}, lists {@link ArrayList}, dicts {@link LinkedHashMap}; globals stay {@link Global} names and
 * calls are handed to {@code reduce}. Nothing is imported or executed.
 */
final class Pickle {
    record Global(String module, String name) {}

    /** A call the caller did not interpret. */
    record Reduced(Global callable, Object[] args) {}

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Function<Object, Object> persistentLoad;
    private final BiFunction<Global, Object[], Object> reduce;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    Pickle(byte[] data, Function<Object, Object> persistentLoad, BiFunction<Global, Object[], Object> reduce) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
        this.reduce = reduce;
    }

    Object load() {
        while (true) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get();                                   // PROTO
                case 0x95 -> in.getLong();                               // FRAME
                case '.' -> {                                            // STOP
                    return pop();
                }
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Object[0]);
                case '(' -> {
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case 'q' -> memo.put(in.get() & 0xff, top());
                case 'r' -> memo.put(in.getInt(), top());
                case 0x94 -> memo.put(memo.size(), top());               // MEMOIZE
                case 'h' -> push(memoGet(in.get() & 0xff));
                case 'j' -> push(memoGet(in.getInt()));
                case 'X', 'T' -> push(string(in.getInt()));
                case 0x8c, 'U' -> push(string(in.get() & 0xff));
                case 0x8d -> push(string(Math.toIntExact(in.getLong())));
                case 'B' -> push(bytes(in.getInt()));
                case 'C' -> push(bytes(in.get() & 0xff));
                case 'c' -> push(new Global(line(), line()));
                case 0x93 -> {                                           // STACK_GLOBAL
                    String name = (String) pop();
                    push(new Global((String) pop(), name));
                }
                case 't' -> push(popMark().toArray());
                case 0x85 -> push(new Object[] {pop()});
                case 0x86 -> {
                    Object b = pop();
                    push(new Object[] {pop(), b});
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    push(new Object[] {pop(), b, c});
                }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
                    push(d);
                }
                case 'Q' -> push(persistentLoad.apply(pop()));
                case 'J' -> push(in.getInt());
                case 'K' -> push(in.get() & 0xff);
                case 'M' -> push(in.getShort() & 0xffff);
                case 0x8a -> push(longValue(in.get() & 0xff));
                case 0x8b -> push(longValue(in.getInt()));
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(null);
                case 'G' -> push(in.order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'R', 0x81 -> {                                      // REDUCE, NEWOBJ
                    Object[] args = (Object[]) pop();
                    push(reduce.apply((Global) pop(), args));
                }
                case 'b' -> pop();                                       // BUILD: object state is not needed
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dict(top()).put(key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict(top());
                    for (int i = 0; i + 1 < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
                }
                case 'a' -> {
                    Object v = pop();
                    list(top()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(top()).addAll(items);
                }
                default -> throw new IllegalArgumentException(String.format("unsupported pickle opcode 0x%02x at %d", op, in.position() - 1));
            }
            in.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) throw new IllegalArgumentException("pickle stack underflow at a mark");
        return o;
    }

    private Object top() {
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private Object memoGet(int i) {
        if (!memo.containsKey(i)) throw new IllegalArgumentException("pickle memo " + i + " is unset");
        return memo.get(i);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        if (o instanceof Reduced) return new HashMap<>();
        throw new IllegalArgumentException("SETITEM on a " + (o == null ? "None" : o.getClass().getSimpleName()));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException("APPEND on a " + (o == null ? "None" : o.getClass().getSimpleName()));
    }

    /** Tuples as dict keys compare by content. */
    private static Object key(Object k) {
        return k instanceof Object[] t ? Arrays.asList(t) : k;
    }

    private String string(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte c; (c = in.get()) != '\n'; ) sb.append((char) c);
        return sb.toString();
    }

    private Object longValue(int n) {
        byte[] le = bytes(n);
        byte[] be = new byte[Math.max(n, 1)];
        for (int i = 0; i < n; i++) be[n - 1 - i] = le[i];
        BigInteger v = n == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
