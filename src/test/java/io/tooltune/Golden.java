package io.tooltune;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Golden files: text a writer must reproduce byte for byte, kept as test resources beside the test class. On a
 * mismatch the actual text is left under target/golden-actual/ for diffing.
 */
public final class Golden {
    private Golden() {}

    public static void assertMatches(Class<?> owner, String name, String actual) throws IOException {
        String resource = owner.getPackageName().replace('.', '/') + "/" + name;
        Path dump = Path.of("target", "golden-actual").resolve(resource);
        try (InputStream in = owner.getClassLoader().getResourceAsStream(resource)) {
            String expected = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!actual.equals(expected)) {
                Files.createDirectories(dump.getParent());
                Files.writeString(dump, actual, StandardCharsets.UTF_8);
            }
            assertNotNull(expected, "golden file " + resource + " is missing (actual text left in " + dump + ")");
            assertEquals(expected, actual, resource + " (actual text left in " + dump + ")");
        }
    }
}
