package io.tooltune.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.data.synth.SynthOptions;
import io.tooltune.data.synth.SynthWriter;
import io.tooltune.data.synth.SyntheticToolBench;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.BpeTrainer;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproduceTest {

    /** A judge endpoint that answers every forced function call with its most favourable value. */
    private static HttpServer scriptedJudge(AtomicInteger calls) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode req = Json.MAPPER.readTree(ex.getRequestBody());
            calls.incrementAndGet();
            String fn = req.path("tool_choice").path("function").path("name").asText(
                    req.path("function_call").path("name").asText(
                            req.path("tools").path(0).path("function").path("name").asText(
                                    req.path("functions").path(0).path("name").asText())));
            ObjectNode args = Json.MAPPER.createObjectNode().put("reason", "scripted");
            switch (fn) {
                case "check_task_solvable" -> args.put("task_status", "Solvable");
                case "select_better_answer" -> args.put("index", 0);
                default -> args.put("answer_status", "Solved");
            }
            ObjectNode resp = Json.MAPPER.createObjectNode().put("id", "x").put("object", "chat.completion")
                    .put("model", req.path("model").asText());
            ObjectNode msg = resp.putArray("choices").addObject().put("index", 0).put("finish_reason", "tool_calls")
                    .putObject("message");
            msg.put("role", "assistant").putNull("content");
            ObjectNode call = msg.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
            call.putObject("function").put("name", fn).put("arguments", args.toString());
            msg.putObject("function_call").put("name", fn).put("arguments", args.toString());
            resp.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1).put("total_tokens", 2);
            byte[] body = Json.MAPPER.writeValueAsBytes(resp);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }

    @Test
    void runsTheProtocolOnRealFormatInputs(@TempDir Path tmp) throws Exception {
        Path realAnswers = Shared.path("data/toolbench/answer");
        Path tb = tmp.resolve("toolbench");
        copyTree(realAnswers, tb.resolve("answer"));
        Path synth = tmp.resolve("synth");
        SynthWriter.write(SyntheticToolBench.generate(new SynthOptions(3, 0, 1)), synth);
        copyTree(synth.resolve("test_instruction"), tb.resolve("test_instruction"));
        copyTree(synth.resolve("toolenv"), tb.resolve("toolenv"));

        Path model = tmp.resolve("base");
        List<String> corpus = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tb)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).limit(40).toList()) {
                corpus.add(Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        BpeTrainer.train(corpus, 600).save(model);
        try (Tokenizer tok = Tokenizer.load(model);
             OptModel m = OptModel.random(OptConfig.builder().vocabSize(600).hiddenSize(32).ffnDim(64).numLayers(1).numHeads(2).build(), 5)) {
            ModelFolder.save(m, tok, model);
        }

        AtomicInteger judgeCalls = new AtomicInteger();
        HttpServer judge = scriptedJudge(judgeCalls);
        try {
            String url = "http://127.0.0.1:" + judge.getAddress().getPort() + "/v1";
            Path out = tmp.resolve("out");
            int rc = Main.run("reproduce", "--toolbench", tb.toString(), "--model", model.toString(),
                    "--judge-url", url, "--output", out.toString(), "--max-steps", "2", "--max-new-tokens", "16");
            assertEquals(0, rc);
            assertTrue(Files.isRegularFile(out.resolve("eval/report.html")));
            assertTrue(Files.readString(out.resolve("eval/report.html")).contains("<td>strict</td>"), "the strict rules in the report");
            assertTrue(Files.size(out.resolve("sft/train.jsonl")) > 0);
            for (String g : ReproduceInputs.GROUPS) {
                try (Stream<Path> s = Files.list(out.resolve("answers").resolve(g))) {
                    assertEquals(1, s.filter(p -> p.toString().endsWith(".json")).count(), g);
                }
            }
        } finally {
            judge.stop(0);
        }
    }

    @Test
    void missingInputsExitWithTwo(@TempDir Path tmp) {
        assertEquals(2, Main.run("reproduce", "--toolbench", tmp.resolve("nothing").toString(),
                "--model", tmp.resolve("none").toString(), "--judge-url", "http://127.0.0.1:1/v1"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
