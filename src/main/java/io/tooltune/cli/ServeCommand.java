package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.serve.ChatServer;
import io.tooltune.serve.LocalModelBackend;
import io.tooltune.serve.ModelBackend;
import io.tooltune.serve.PromptFormat;
import io.tooltune.serve.RequestLimits;
import io.tooltune.serve.ScriptedBackend;
import io.tooltune.serve.TemplatePromptMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "OpenAI-compatible tool-calling server (/v1/chat/completions, /v1/completions, /v1/responses, /v1/models; /health, /metrics) for a model folder.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Hugging Face model folder (required unless --scripted)")
    Path model;

    @Option(names = "--scripted", description = "JSON array of {\"when\",\"output\"} canned model outputs, served instead of a model")
    Path scripted;

    @Mixin
    ListenOptions listen;

    @Option(names = "--model-id", description = "model id served and expected in requests (default: the folder name, or 'scripted')")
    String modelId;

    @Option(names = "--context", converter = Ranges.Positive.class, defaultValue = "2048", description = "context length in words for --scripted (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--max-batch", converter = Ranges.Positive.class, defaultValue = "8", description = "most requests decoded together (default ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-request-bytes", converter = Ranges.Positive.class,
            defaultValue = "" + RequestLimits.DEFAULT_MAX_REQUEST_BYTES,
            description = "largest request body accepted; larger ones get 413 unread (default ${DEFAULT-VALUE})")
    int maxRequestBytes;

    @Option(names = "--cors-origin", description = "browser origin allowed to call the server (repeatable, * for any); "
            + "requests carrying another Origin header get 403 (default: none)")
    List<String> corsOrigins = new ArrayList<>();

    @Mixin
    DeviceOption device;

    @Mixin
    AdapterOption adapter;

    @Option(names = "--api-key", description = "require 'Authorization: Bearer KEY' on the API (default: $TOOLTUNE_API_KEY, else none)")
    String apiKey;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (model == null && scripted == null) throw new BadInputException("serve: give --model DIR or --scripted FILE");
        String key = apiKey != null ? apiKey : System.getenv("TOOLTUNE_API_KEY");
        listen.warnIfReachable(System.err, key != null && !key.isEmpty());
        String id = modelId != null ? modelId : model != null ? model.toAbsolutePath().normalize().getFileName().toString() : "scripted";
        // the server answers /health (503) while the model loads, so orchestrators can wait for it
        try (ChatServer server = ChatServer.loading(listen.host, listen.port, new RequestLimits(maxRequestBytes, corsOrigins))) {
            server.requireApiKey(key).start();
            System.out.println("loading '" + id + "'; http://" + listen.host + ":" + server.port() + "/health answers 503 until it is ready");
            ModelBackend backend;
            PromptFormat format = PromptFormat.REACT;
            if (scripted != null) {
                backend = ScriptedBackend.load(scripted, id, context);
            } else {
                LocalModelBackend local = new LocalModelBackend(ModelFolder.load(model, device.device(), adapter.dir), id, maxBatch);
                backend = local;
                format = TemplatePromptMapper.forModel(ModelChatTemplates.load(model, Clock.systemUTC()), local.tokenizer());
            }
            try (backend) {
                server.ready(backend, format);
                System.out.println("serving '" + id + "' on http://" + listen.host + ":" + server.port() + "/v1 ("
                        + (format == PromptFormat.REACT ? "ToolLLaMA ReAct prompt" : "the model's chat template") + ")");
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
        }
        return 0;
    }
}
