package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * StableToolBench's response cache in one SQLite file (WAL). Keys are as StableToolBench keys its folder
 * cache: standard category, "{tool}_for_{category}", API name, and the Python repr of the parsed arguments.
 * Responses are stored as the exact JSON text served, in insertion order (the simulator's examples are the
 * first cached items, as in StableToolBench).
 */
public final class ResponseCache implements AutoCloseable {
    /** A cached response: the argument key, the JSON text, and where it came from (real, imported, simulated). */
    public record Entry(String inputKey, String response, String source) {}

    private final Connection db;

    public ResponseCache(Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("CREATE TABLE IF NOT EXISTS responses (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " category TEXT NOT NULL, tool TEXT NOT NULL, api TEXT NOT NULL, input TEXT NOT NULL,"
                        + " response TEXT NOT NULL, source TEXT NOT NULL, UNIQUE (category, tool, api, input))");
            }
        } catch (SQLException | IOException e) {
            throw new BadInputException(file + ": cannot open the response cache (" + e.getMessage() + ")");
        }
    }

    public synchronized String get(String category, String tool, String api, String inputKey) {
        try (PreparedStatement p = db.prepareStatement(
                "SELECT response FROM responses WHERE category=? AND tool=? AND api=? AND input=?")) {
            p.setString(1, category);
            p.setString(2, tool);
            p.setString(3, api);
            p.setString(4, inputKey);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("response cache: " + e.getMessage(), e);
        }
    }

    /** The first {@code limit} entries of one API, in insertion order. */
    public synchronized List<Entry> examples(String category, String tool, String api, int limit) {
        try (PreparedStatement p = db.prepareStatement("SELECT input, response, source FROM responses"
                + " WHERE category=? AND tool=? AND api=? ORDER BY seq LIMIT ?")) {
            p.setString(1, category);
            p.setString(2, tool);
            p.setString(3, api);
            p.setInt(4, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(new Entry(r.getString(1), r.getString(2), r.getString(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("response cache: " + e.getMessage(), e);
        }
    }

    /** Stores a response; an existing key is overwritten in place, as assigning into the Python dict does. */
    public synchronized void put(String category, String tool, String api, String inputKey, String response,
                                 String source) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO responses (category, tool, api, input, response,"
                + " source) VALUES (?,?,?,?,?,?) ON CONFLICT (category, tool, api, input) DO UPDATE SET"
                + " response=excluded.response, source=excluded.source")) {
            p.setString(1, category);
            p.setString(2, tool);
            p.setString(3, api);
            p.setString(4, inputKey);
            p.setString(5, response);
            p.setString(6, source);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("response cache: " + e.getMessage(), e);
        }
    }

    public synchronized long size() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM responses")) {
            return r.next() ? r.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException("response cache: " + e.getMessage(), e);
        }
    }

    /**
     * Imports StableToolBench's {@code tool_response_cache/<category>/<tool>_for_<category>/<api>.json} files
     * (each a JSON object mapping the argument repr to the response); returns the number of entries.
     */
    public synchronized int importFolder(Path root) {
        if (!Files.isDirectory(root)) throw new BadInputException(root + ": not a directory");
        // one transaction: a commit per entry costs a disk sync each, minutes for the demo's cache on a busy disk
        try {
            db.setAutoCommit(false);
            int n = importEntries(root);
            db.commit();
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException("response cache: " + e.getMessage(), e);
        } finally {
            try {
                if (!db.getAutoCommit()) {
                    db.rollback();
                    db.setAutoCommit(true);
                }
            } catch (SQLException ignored) {
                // the connection is broken; the next statement says so
            }
        }
    }

    private int importEntries(Path root) {
        int n = 0;
        try (Stream<Path> files = Files.walk(root, 3)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                Path rel = root.relativize(f);
                if (rel.getNameCount() != 3) continue;
                JsonNode map;
                try {
                    map = Json.MAPPER.readTree(f.toFile());
                } catch (IOException e) {
                    throw new BadInputException(f + ": not JSON (" + e.getMessage() + ")");
                }
                if (map == null || !map.isObject()) throw new BadInputException(f + ": not a JSON object");
                String api = rel.getFileName().toString().replaceFirst("\\.json$", "");
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); n++) {
                    Map.Entry<String, JsonNode> e = it.next();
                    put(rel.getName(0).toString(), rel.getName(1).toString(), api, e.getKey(),
                            Json.MAPPER.writeValueAsString(e.getValue()), "imported");
                }
            }
        } catch (IOException e) {
            throw new BadInputException(root + ": " + e.getMessage());
        }
        return n;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing a read-only or already broken connection has nothing left to lose
        }
    }
}
