package io.tooltune.serve;

import io.tooltune.generate.TokenLogprob;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which generated tokens a reply's content came from. */
class VisibleTokensTest {
    /** Tokens of {@code parts} (each token's text in order), with text ends as the generator records them. */
    private static List<TokenLogprob> tokens(String... parts) {
        List<TokenLogprob> out = new ArrayList<>();
        int end = 0;
        for (int i = 0; i < parts.length; i++) {
            end += parts[i].length();
            out.add(new TokenLogprob(i, parts[i], -i, List.of(), end));
        }
        return out;
    }

    private static List<Integer> ids(List<VisibleTokens.Piece> pieces) {
        return pieces.stream().flatMap(p -> p.tokens().stream()).map(TokenLogprob::tokenId).toList();
    }

    @Test
    void verbatimContentSplitsAtTokenBoundariesAndJoinsBack() {
        String text = "Thought: ok\nAnswer: It is sunny.";
        List<TokenLogprob> t = tokens("Thought", ": ok", "\nAnswer: It", " is", " sun", "ny.");
        List<VisibleTokens.Piece> pieces = VisibleTokens.pieces("It is sunny", text, t);
        assertEquals(List.of("It", " is", " sun", "ny"), pieces.stream().map(VisibleTokens.Piece::text).toList());
        assertEquals(List.of(2, 3, 4, 5), ids(pieces));
    }

    @Test
    void anAnswerReadOutOfJsonIsFoundInItsEscapedForm() {
        String text = "Action Input: {\"final_answer\": \"line\\none\"}";
        List<TokenLogprob> t = tokens("Action Input: {\"final_answer\": \"", "line", "\\n", "one", "\"}");
        List<VisibleTokens.Piece> pieces = VisibleTokens.pieces("line\none", text, t);
        assertEquals(1, pieces.size());
        assertEquals("line\none", pieces.get(0).text());
        assertEquals(List.of(1, 2, 3), ids(pieces));
    }

    @Test
    void contentFoundNowhereOrWithoutLogprobsIsOnePieceWithoutTokens() {
        assertEquals(List.of(new VisibleTokens.Piece("elsewhere", List.of())),
                VisibleTokens.pieces("elsewhere", "some text", tokens("some", " text")));
        assertEquals(List.of(new VisibleTokens.Piece("text", List.of())), VisibleTokens.pieces("text", "some text", List.of()));
        assertEquals(List.of(), VisibleTokens.pieces(null, "x", List.of()));
    }
}
