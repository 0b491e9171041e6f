package dev.allocator.api.internal;

import dev.allocator.api.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecParserTest {

    @Test
    void shouldParseStagesTopFirstWithOptionsAndColumns() {
        String spec = "pool(blockSize=64, capacity=4096) > arena(chunkSize=1MiB) > system";
        List<SpecStage> stages = SpecParser.parse(spec);
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
        List<SpecStage> spaced = SpecParser.parse("  pool ( blockSize = 64 , capacity = 8 )  >\tsystem ");
        List<SpecStage> tight = SpecParser.parse("pool(blockSize=64,capacity=8)>system");
        assertEquals(tight.get(0).options(), spaced.get(0).options());
        assertEquals(2, spaced.size());
        assertEquals(3, spaced.get(0).column());
    }

    @Test
    void shouldAcceptEmptyParenthesesAndNamesWithDigitsDashesUnderscores() {
        List<SpecStage> stages = SpecParser.parse("my-pool_2() > sys3");
        assertEquals("my-pool_2", stages.get(0).name());
        assertTrue(stages.get(0).options().isEmpty());
        assertEquals("sys3", stages.get(1).name());
    }

    @Test
    void shouldKeepValuesAsWritten() {
        SpecStage stage = SpecParser.parse("x(size=1_000KiB, path=/tmp/a.b, flag=-1)").getFirst();
        assertEquals(Map.of("size", "1_000KiB", "path", "/tmp/a.b", "flag", "-1"), stage.options());
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' fails at column {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
            "" ; 1 ; expected an allocator name, found the end of the spec
            "   " ; 4 ; expected an allocator name, found the end of the spec
            1pool ; 1 ; expected an allocator name, found '1'
            pool > ; 7 ; expected an allocator name, found the end of the spec
            pool > > system ; 8 ; expected an allocator name, found '>'
            pool system ; 6 ; expected '>' or the end of the spec, found 's'
            pool( ; 6 ; expected an option name, found the end of the spec
            pool(blockSize) ; 15 ; expected '=' after option 'blockSize', found ')'
            pool(blockSize=) ; 16 ; expected a value for option 'blockSize', found ')'
            pool(a=1 b=2) ; 10 ; expected ',' or ')' after an option, found 'b'
            pool(a=1,) ; 10 ; expected an option name, found ')'
            pool(a=1 ; 9 ; expected ',' or ')' after an option, found the end of the spec
            pool(a=1|2) ; 9 ; expected ',' or ')' after an option, found '|'
            pool(a=1, a=2) ; 11 ; option 'a' is given twice
            pool(=1) ; 6 ; expected an option name, found '='
            pool(a=1)(b=2) ; 10 ; expected '>' or the end of the spec, found '('
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
    void shouldRejectNull() {
        assertThrows(NullPointerException.class, () -> SpecParser.parse(null));
    }
}
