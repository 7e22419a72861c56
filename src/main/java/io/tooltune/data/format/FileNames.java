package io.tooltune.data.format;

import java.util.regex.Pattern;

/** Which ids and names read from input may become file names: no separators, no "..", nothing a shell would mangle. */
public final class FileNames {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private FileNames() {}

    /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 200 characters. */
    public static boolean isSafe(String name) {
        return name != null && SAFE.matcher(name).matches();
    }

    /** The reason {@code name} cannot be a file name, for an error message. */
    public static String why(String name) {
        return "'" + name + "' cannot be used as a file name (letters, digits, '.', '_' and '-' only, starting with a letter or digit)";
    }
}
