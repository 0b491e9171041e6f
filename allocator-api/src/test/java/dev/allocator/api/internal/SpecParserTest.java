package dev.allocator.api.internal;

import dev.allocator.api.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecParserTest {

    /** The stages of a spec that is a plain chain (or one stage), top first. */
    private static List<SpecStage> stages(String spec) {
        return switch (SpecParser.parse(spec)) {
            case SpecStage stage -> List.of(stage);
            case SpecChain chain -> chain.parts().stream().map(SpecStage.class::cast).toList();
            case SpecChoice choice -> throw new AssertionError("not a chain: " + choice);
        };
    }

    @Test
    void shouldParseStagesTopFirstWithOptionsAndColumns() {
        String spec = "pool(blockSize=64, capacity=4096) > arena(chunkSize=1MiB) > system";
        List<SpecStage> stages = stages(spec);
        assertEquals(3, stages.size());
        assertEquals("pool", stages.get(0).name());
        assertEquals(1, stages.get(0).column());
        assertEquals(Map.of("blockSize", "64", "capacity", "4096"), stages.get(0).options());
        assertEquals(spec.indexOf("capacity") + 1, stages.get(0).optionColumns().get("capacity"));
        assertEquals("arena", stages.get(1).name());
        assertEquals(spec.indexOf("arena") + 1, stages.get(1).column());
        assertEquals(Map.of("chunkSize", "1MiB"), stages.get(1).options());
        assertEquals("system", stages.get(2).name());
        assertEquals(spec.indexOf("system") + 1, stages.get(2).column());
        assertTrue(stages.get(2).options().isEmpty());
    }

    @Test
    void shouldAcceptWhiteSpaceBetweenAnyTokensAndNone() {
        List<SpecStage> spaced = stages("  pool ( blockSize = 64 , capacity = 8 )  >\tsystem ");
        List<SpecStage> tight = stages("pool(blockSize=64,capacity=8)>system");
        assertEquals(tight.get(0).options(), spaced.get(0).options());
        assertEquals(2, spaced.size());
        assertEquals(3, spaced.get(0).column());
    }

    @Test
    void shouldAcceptEmptyParenthesesAndNamesWithDigitsDashesUnderscores() {
        List<SpecStage> stages = stages("my-pool_2() > sys3");
        assertEquals("my-pool_2", stages.get(0).name());
        assertTrue(stages.get(0).options().isEmpty());
        assertEquals("sys3", stages.get(1).name());
    }

    @Test
    void shouldKeepValuesAsWritten() {
        SpecStage stage = stages("x(size=1_000KiB, path=/tmp/a.b, flag=-1)").getFirst();
        assertEquals(Map.of("size", "1_000KiB", "path", "/tmp/a.b", "flag", "-1"), stage.options());
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' fails at column {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
            "" ; 1 ; expected an allocator name or '(', found the end of the spec
            "   " ; 4 ; expected an allocator name or '(', found the end of the spec
            1pool ; 1 ; expected an allocator name or '(', found '1'
            pool > ; 7 ; expected an allocator name or '(', found the end of the spec
            pool > > system ; 8 ; expected an allocator name or '(', found '>'
            pool system ; 6 ; expected '>', '|' or the end of the spec, found 's'
            pool( ; 6 ; expected an option name, found the end of the spec
            pool(blockSize) ; 15 ; expected '=' after option 'blockSize', found ')'
            pool(blockSize=) ; 16 ; expected a value for option 'blockSize', found ')'
            pool(a=1 b=2) ; 10 ; expected ',' or ')' after an option, found 'b'
            pool(a=1,) ; 10 ; expected an option name, found ')'
            pool(a=1 ; 9 ; expected ',' or ')' after an option, found the end of the spec
            pool(a=1|2) ; 9 ; expected ',' or ')' after an option, found '|'
            pool(a=1, a=2) ; 11 ; option 'a' is given twice
            pool(=1) ; 6 ; expected an option name, found '='
            pool(a=1)(b=2) ; 10 ; expected '>', '|' or the end of the spec, found '('
            """)
    void shouldReportSyntaxErrorsWithColumn(String spec, int column, String problem) {
        String text = spec == null ? "" : spec;
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(text));
        assertEquals(column, e.column(), e.getMessage());
        assertEquals(text, e.spec());
        assertTrue(e.getMessage().startsWith("at column " + column + ": " + problem + "\n"), e.getMessage());
        assertTrue(e.getMessage().endsWith("\n  " + " ".repeat(column - 1) + "^"), e.getMessage());
    }

    @Test
    void shouldBindGreaterThanTighterThanBarAndGroupWithParentheses() {
        SpecNode root = SpecParser.parse("a > b | c > d");
        SpecChoice choice = assertInstanceOf(SpecChoice.class, root);
        assertEquals(2, choice.alternatives().size());
        SpecChain left = assertInstanceOf(SpecChain.class, choice.alternatives().get(0));
        assertEquals(List.of("a", "b"), left.parts().stream().map(p -> ((SpecStage) p).name()).toList());
        SpecChain grouped = assertInstanceOf(SpecChain.class, SpecParser.parse("x > (a | b) > y"));
        assertEquals(3, grouped.parts().size());
        SpecChoice middle = assertInstanceOf(SpecChoice.class, grouped.parts().get(1));
        assertEquals(6, middle.column());
        assertInstanceOf(SpecStage.class, SpecParser.parse("((a))"));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' fails at column {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
            (a | b ; 7 ; expected ')' to close the '(' at column 1, found the end of the spec
            a | ; 4 ; expected an allocator name or '(', found the end of the spec
            a > (b > ) ; 10 ; expected an allocator name or '(', found ')'
            a) ; 2 ; expected '>', '|' or the end of the spec, found ')'
            """)
    void shouldReportGroupingErrorsWithColumn(String spec, int column, String problem) {
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("at column " + column + ": " + problem + "\n"), e.getMessage());
    }

    @Test
    void shouldRejectParenthesesNestedPastTheBoundNamingDepthAndColumn() {
        int tooDeep = SpecParser.MAX_NESTING + 1;
        for (String spec : List.of("(".repeat(3000) + "a" + ")".repeat(3000), "(".repeat(3000),
                "(".repeat(tooDeep) + "a" + ")".repeat(tooDeep))) {
            SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec));
            assertEquals(tooDeep, e.column(), e.getMessage());
            assertTrue(e.getMessage().startsWith("at column " + tooDeep + ": parentheses may nest at most "
                    + SpecParser.MAX_NESTING + " deep: depth=" + tooDeep + "\n"), e.getMessage());
        }
    }

    @Test
    void shouldAcceptParenthesesNestedUpToTheBound() {
        int deepest = SpecParser.MAX_NESTING;
        String spec = "(".repeat(deepest) + "a" + ")".repeat(deepest) + " > " + "(".repeat(deepest) + "b"
                + ")".repeat(deepest);
        SpecChain chain = assertInstanceOf(SpecChain.class, SpecParser.parse(spec));
        assertEquals(2, chain.parts().size());
    }

    @Test
    void shouldRejectMoreStagesThanTheBoundAtTheFirstStageTooMany() {
        String fits = String.join(" > ", java.util.Collections.nCopies(SpecParser.MAX_STAGES, "s"));
        assertEquals(SpecParser.MAX_STAGES, assertInstanceOf(SpecChain.class, SpecParser.parse(fits)).parts().size());
        for (String joiner : List.of(" > ", " | ")) {
            String spec = String.join(joiner, java.util.Collections.nCopies(3000, "s"));
            SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec));
            assertEquals(SpecParser.MAX_STAGES * (1 + joiner.length()) + 1, e.column(), e.getMessage());
            assertTrue(e.getMessage().startsWith("at column " + e.column() + ": a spec may have at most "
                    + SpecParser.MAX_STAGES + " stages: stages=" + (SpecParser.MAX_STAGES + 1)), e.getMessage());
        }
    }

    @Test
    void shouldRejectNull() {
        assertThrows(NullPointerException.class, () -> SpecParser.parse(null));
    }
}
