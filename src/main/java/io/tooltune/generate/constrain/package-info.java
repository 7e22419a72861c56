/**
 * Schema-constrained decoding: which tokens may come next so that the output is a JSON document valid for a schema,
 * or a call to one of the offered functions. Entry points:
 * <ul>
 *   <li>{@link io.tooltune.generate.constrain.JsonSchemaGrammar}: a JSON Schema (supported subset; anything else is a
 *       BadInputException naming the keyword) or "any JSON object" → a {@link io.tooltune.generate.constrain.Grammar}.</li>
 *   <li>{@link io.tooltune.generate.constrain.ToolCallGrammar}: one call to an offered function, as OpenAI JSON
 *       ({@code {"name": ..., "arguments": ...}}) or as ToolLLaMA's ReAct text (a whole reply, or what follows
 *       "Action: ").</li>
 *   <li>{@link io.tooltune.generate.constrain.Matcher}: reads the generated text character by character; copies are
 *       free.</li>
 *   <li>{@link io.tooltune.generate.constrain.TokenMasker}: made once per vocabulary, gives the allowed token ids
 *       for a matcher (end of sequence exactly when the document is complete).</li>
 * </ul>
 * A decoding loop: {@code m = grammar.matcher()}; each step, mask the logits outside {@code masker.allowed(m)},
 * pick a token, stop on end of sequence, else {@code m.advance(tokenText)}. Grammars may be shared between threads
 * and requests (their states and masks are then cached across them); the package depends only on the tokenizer's
 * texts, Json and BadInputException. {@link io.tooltune.generate.GrammarConstraint} runs this loop inside the
 * {@link io.tooltune.generate.Generator}, closing the document as the token limit nears
 * ({@link io.tooltune.generate.constrain.Matcher#tokensToEnd()}).
 */
package io.tooltune.generate.constrain;
