package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every judge request and answer in SQLite. A judgement is keyed by its slot (which evaluation, query and round
 * asked) plus the function and a hash of the judge's name and the arguments, so a rerun replays the same verdicts and an interrupted
 * evaluation resumes where it stopped; only unanswered requests reach the judge.
 */
public final class JudgeStore implements AutoCloseable {
    private final Connection db;
    private final Judge judge;
    private int asked;

    public JudgeStore(Path file, Judge judge) {
        this.judge = judge;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (var st = db.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("CREATE TABLE IF NOT EXISTS judgements (slot TEXT NOT NULL, function TEXT NOT NULL, "
                        + "request_hash TEXT NOT NULL, judge TEXT NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL, "
                        + "created TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (slot, function, request_hash))");
            }
        } catch (SQLException | IOException e) {
            throw new BadInputException(file + ": cannot open judgement store (" + e.getMessage() + ")");
        }
    }

    /** The stored verdict for this request, or the judge's (then stored). */
    public JsonNode ask(String slot, String function, Map<String, String> args, boolean returnReason) {
        String request = Json.MAPPER.valueToTree(new TreeMap<>(args)).toString();
        // the judge's name is part of the key: another judge (or judge model) over the same store asks afresh
        String hash = sha256(judge.name() + "\u0000" + function + "\u0000" + returnReason + "\u0000" + request);
        JsonNode stored = lookup(slot, function, hash);
        if (stored != null) return stored;
        JsonNode verdict = judge.call(function, args, returnReason);
        save(slot, function, hash, request, verdict);
        return verdict;
    }

    /** Number of requests that went to the judge (not answered from the store) in this process. */
    public synchronized int asked() {
        return asked;
    }

    public synchronized int size() {
        try (var st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM judgements")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized JsonNode lookup(String slot, String function, String hash) {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT response FROM judgements WHERE slot=? AND function=? AND request_hash=?")) {
            ps.setString(1, slot);
            ps.setString(2, function);
            ps.setString(3, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Json.MAPPER.readTree(rs.getString(1)) : null;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("judgement store: " + e.getMessage(), e);
        }
    }

    private synchronized void save(String slot, String function, String hash, String request, JsonNode verdict) {
        asked++;
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO judgements "
                + "(slot, function, request_hash, judge, request, response) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, slot);
            ps.setString(2, function);
            ps.setString(3, hash);
            ps.setString(4, judge.name());
            ps.setString(5, request);
            ps.setString(6, verdict.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("judgement store: " + e.getMessage(), e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing a store we only read and appended to: nothing to recover
        }
    }
}
