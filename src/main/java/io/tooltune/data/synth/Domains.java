package io.tooltune.data.synth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads the built-in domain table (resource domains.txt): the raw material of every synthetic category. */
final class Domains {
    private Domains() {}

    static List<Domain> load() {
        try (InputStream in = Domains.class.getResourceAsStream("domains.txt")) {
            if (in == null) {
                throw new IllegalStateException("domains.txt missing from the classpath");
            }
            List<Domain> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(parse(line.strip()));
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read domains.txt", e);
        }
    }

    static Domain parse(String line) {
        String[] f = line.split("\\|");
        if (f.length != 6) {
            throw new IllegalStateException("domains.txt: bad line " + line);
        }
        List<Domain.Attribute> attrs = new ArrayList<>();
        for (String a : f[5].split(";")) {
            String[] p = a.split(":", 4);
            char kind = p[2].charAt(0);
            if (kind == 'w') {
                attrs.add(new Domain.Attribute(p[0], p[1], kind, 0, 0, "", List.of(p[3].split("/"))));
            } else {
                String[] r = p[3].split(":", 3);
                attrs.add(new Domain.Attribute(p[0], p[1], kind, Double.parseDouble(r[0]), Double.parseDouble(r[1]),
                        r.length > 2 ? r[2] : "", List.of()));
            }
        }
        List<String> values = List.of(f[4].split(","));
        return new Domain(f[0], f[1], f[2], List.of(f[3].split(",")), values, values, List.copyOf(attrs));
    }
}
