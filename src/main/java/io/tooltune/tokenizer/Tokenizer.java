package io.tooltune.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.tooltune.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A model folder's tokenizer through DJL's HuggingFace tokenizers, with truncation and padding off (DJL would
 * otherwise cut silently at 512 tokens). A folder with only vocab.json + merges.txt (facebook/opt-350m) gets a
 * byte-level BPE tokenizer.json built from them.
 */
public final class Tokenizer implements AutoCloseable {
    private static final Map<String, String> OPTIONS = Map.of("truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer hf;
    private final Path tokenizerJson;
    private final Path folder;

    private Tokenizer(HuggingFaceTokenizer hf, Path tokenizerJson, Path folder) {
        this.hf = hf;
        this.tokenizerJson = tokenizerJson;
        this.folder = folder;
    }

    /** Loads {@code dir/tokenizer.json}, or builds it (in a temporary file) from vocab.json + merges.txt. */
    public static Tokenizer load(Path dir) {
        Path json = dir.resolve("tokenizer.json");
        // errors name the user's files, never the temporary tokenizer.json built from them
        String source = json.toString();
        try {
            if (!Files.isRegularFile(json)) {
                Path vocab = dir.resolve("vocab.json"), merges = dir.resolve("merges.txt");
                if (!Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) {
                    throw new BadInputException(dir + ": no tokenizer.json and no vocab.json + merges.txt");
                }
                source = vocab + " + " + merges;
                String built = ByteLevelBpeJson.fromVocabAndMerges(vocab, merges);
                json = Files.createTempFile("tooltune-tokenizer", ".json");
                json.toFile().deleteOnExit();
                Files.writeString(json, built);
            }
            return new Tokenizer(HuggingFaceTokenizer.newInstance(json, OPTIONS), json, dir);
        } catch (CharacterCodingException e) {
            throw new BadInputException(source + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new BadInputException(source + ": cannot read tokenizer: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof BadInputException) throw e;
            throw new BadInputException(source + ": unusable tokenizer: " + e.getMessage(), e);
        }
    }

    /** Ids with the model's special tokens (for OPT, {@code </s>} prepended). */
    public long[] encode(String text) {
        return encode(text, true);
    }

    public long[] encode(String text, boolean addSpecialTokens) {
        Encoding e = hf.encode(text, addSpecialTokens, false);
        return e.getIds();
    }

    public String decode(long[] ids) {
        return hf.decode(ids, false);
    }

    public String decode(long[] ids, boolean skipSpecialTokens) {
        return hf.decode(ids, skipSpecialTokens);
    }

    /** The tokenizer.json in use (the folder's, or the one built from vocab and merges). */
    public Path tokenizerJson() {
        return tokenizerJson;
    }

    /** The folder it was loaded from (which may hold tokenizer_config.json and a chat template). */
    public Path folder() {
        return folder;
    }

    /** Writes tokenizer.json into a model folder being saved (copying the one in use). */
    public void saveTo(Path dir) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve("tokenizer.json");
            if (!target.toAbsolutePath().equals(tokenizerJson.toAbsolutePath())) {
                Files.copy(tokenizerJson, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        hf.close();
    }
}
