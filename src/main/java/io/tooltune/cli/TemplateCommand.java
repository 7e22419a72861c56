package io.tooltune.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.chat.ChatRequest;
import io.tooltune.chat.ModelChatTemplates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/** {@code tooltune template}: a conversation rendered through the model's chat template, printed exactly. */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Print the prompt a model's chat template makes of a conversation ({\"messages\", \"tools\", \"add_generation_prompt\"}).")
public final class TemplateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model folder (tokenizer_config.json chat_template or chat_template.jinja).")
    Path model;
    @Option(names = "--input", required = true, description = "JSON file: {\"messages\": [...], \"tools\": [...], \"add_generation_prompt\": true|false}.")
    Path input;

    @Override
    public Integer call() throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(input.toFile());
        } catch (JsonProcessingException e) {
            throw new BadInputException(input + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(input + ": cannot read: " + e.getMessage());
        }
        ChatRequest request = ChatRequest.fromJson(root, input.toString());
        String prompt = ModelChatTemplates.load(model, Clock.systemDefaultZone()).select(request.tools() != null).render(request);
        System.out.write(prompt.getBytes(StandardCharsets.UTF_8));
        System.out.flush();
        return 0;
    }
}
