package dev.allocator.api.internal;

import dev.allocator.api.SpecException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses allocator specs such as {@code pool(blockSize=64, capacity=4096) > arena(chunkSize=1MiB) > system} and
 * {@code checked > (pool(blockSize=256, capacity=4096) | system)}.
 *
 * <pre>
 * spec   = choice
 * choice = chain { "|" chain }
 * chain  = term { "&gt;" term }
 * term   = stage | "(" choice ")"
 * stage  = name [ "(" [ option { "," option } ] ")" ]
 * option = name "=" value
 * name   = letter { letter | digit | "_" | "-" }
 * value  = one or more characters other than white space and , ( ) &gt; | =
 * </pre>
 * So {@code >} binds tighter than {@code |}. White space may stand between any two tokens. Parentheses nest at most
 * {@value #MAX_NESTING} deep and a spec has at most {@value #MAX_STAGES} stages. Every error is a {@link SpecException} with the 1-based column.
 */
public final class SpecParser {

    /*
     * Maintainers' notes. A recursive descent parser: term -> choice -> chain -> term recurses once per '(' level, so
     * MAX_NESTING bounds the stack it uses (a few frames per level), whatever the length of the spec; chains and
     * choices are loops. MAX_STAGES bounds what is built from a spec: each stage closes the one beneath it and each
     * '|' adds a fallback level, calls that recurse once per stage.
     */

    /** How deep parentheses may nest. */
    public static final int MAX_NESTING = 32;
    /** How many stages a spec may have. */
    public static final int MAX_STAGES = 64;

    private final String spec;
    private int pos;
    private int depth;
    private int stages;

    private SpecParser(String spec) {
        this.spec = spec;
    }

    /**
     * Parses a spec.
     *
     * @param spec the spec
     * @return its tree: a single stage, a chain or a choice
     * @throws SpecException on a syntax error
     */
    public static SpecNode parse(String spec) {
        return new SpecParser(spec).spec();
    }

    private SpecNode spec() {
        SpecNode node = choice();
        if (pos < spec.length()) {
            throw error("expected '>', '|' or the end of the spec, found '" + spec.charAt(pos) + "'");
        }
        return node;
    }

    private SpecNode choice() {
        List<SpecNode> alternatives = new ArrayList<>();
        alternatives.add(chain());
        while (peek() == '|') {
            pos++;
            alternatives.add(chain());
        }
        return alternatives.size() == 1 ? alternatives.getFirst()
                : new SpecChoice(List.copyOf(alternatives), alternatives.getFirst().column());
    }

    private SpecNode chain() {
        List<SpecNode> parts = new ArrayList<>();
        parts.add(term());
        skipSpace();
        while (peek() == '>') {
            pos++;
            parts.add(term());
            skipSpace();
        }
        return parts.size() == 1 ? parts.getFirst() : new SpecChain(List.copyOf(parts), parts.getFirst().column());
    }

    private SpecNode term() {
        skipSpace();
        if (peek() != '(') {
            return stage();
        }
        int open = pos + 1;
        if (depth == MAX_NESTING) {
            throw error("parentheses may nest at most " + MAX_NESTING + " deep: depth=" + (depth + 1));
        }
        depth++;
        pos++;
        SpecNode inner = choice();
        skipSpace();
        if (peek() != ')') {
            throw error("expected ')' to close the '(' at column " + open + ", found " + describe(peek()));
        }
        pos++;
        depth--;
        return inner;
    }

    private SpecStage stage() {
        skipSpace();
        int column = pos + 1;
        String name = name("an allocator name or '('");
        if (++stages > MAX_STAGES) {
            throw new SpecException("a spec may have at most " + MAX_STAGES + " stages: stages=" + stages, spec,
                    column, null);
        }
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, Integer> columns = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '(') {
            pos++;
            skipSpace();
            if (peek() == ')') {
                pos++;
            } else {
                while (true) {
                    option(options, columns);
                    skipSpace();
                    char next = peek();
                    pos++;
                    if (next == ')') {
                        break;
                    }
                    if (next != ',') {
                        pos--;
                        throw error("expected ',' or ')' after an option, found " + describe(next));
                    }
                }
            }
        }
        return new SpecStage(name, column, Map.copyOf(options), Map.copyOf(columns));
    }

    private void option(Map<String, String> options, Map<String, Integer> columns) {
        skipSpace();
        int column = pos + 1;
        String key = name("an option name");
        skipSpace();
        if (peek() != '=') {
            throw error("expected '=' after option '" + key + "', found " + describe(peek()));
        }
        pos++;
        skipSpace();
        int start = pos;
        while (pos < spec.length() && isValueChar(spec.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a value for option '" + key + "', found " + describe(peek()));
        }
        if (options.containsKey(key)) {
            throw new SpecException("option '" + key + "' is given twice", spec, column, null);
        }
        options.put(key, spec.substring(start, pos));
        columns.put(key, column);
    }

    private String name(String what) {
        int start = pos;
        if (pos < spec.length() && Character.isLetter(spec.charAt(pos))) {
            pos++;
            while (pos < spec.length() && isNameChar(spec.charAt(pos))) {
                pos++;
            }
        }
        if (start == pos) {
            throw error("expected " + what + ", found " + describe(peek()));
        }
        return spec.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    private static boolean isValueChar(char c) {
        return !Character.isWhitespace(c) && c != ',' && c != '(' && c != ')' && c != '>' && c != '|' && c != '=';
    }

    private void skipSpace() {
        while (pos < spec.length() && Character.isWhitespace(spec.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        return pos < spec.length() ? spec.charAt(pos) : '\0';
    }

    private String describe(char c) {
        return c == '\0' && pos >= spec.length() ? "the end of the spec" : "'" + c + "'";
    }

    private SpecException error(String problem) {
        return new SpecException(problem, spec, pos + 1, null);
    }
}
