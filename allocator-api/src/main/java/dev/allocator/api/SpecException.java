package dev.allocator.api;

/**
 * A spec given to {@link Allocators#open(String)} that cannot be opened: a syntax error, an unknown provider, an
 * unknown or missing option, or a bad option value. The message says what is wrong and shows where:
 * <pre>
 * at column 1: unknown allocator 'pol'; known: arena, pool, system
 *   pol(blockSize=64) &gt; system
 *   ^
 * </pre>
 *
 * {@snippet :
 * try {
 *     Allocators.open(userSpec);
 * } catch (SpecException e) {
 *     log.error("bad allocator spec at column {}: {}", e.column(), e.getMessage());
 * }
 * }
 */
public final class SpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String spec;
    private final int column;

    /**
     * Creates an exception.
     *
     * @param problem what is wrong, without the position
     * @param spec    the whole spec
     * @param column  the 1-based column where it goes wrong
     * @param cause   the underlying error, or null
     */
    public SpecException(String problem, String spec, int column, Throwable cause) {
        super("at column " + column + ": " + problem + "\n  " + spec + "\n  " + " ".repeat(Math.max(0, column - 1)) + "^",
                cause);
        this.problem = problem;
        this.spec = spec;
        this.column = column;
    }

    /**
     * What is wrong, without the position: the message's first line after {@code "at column N: "}.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }

    /**
     * The spec that failed.
     *
     * @return the spec as given
     */
    public String spec() {
        return spec;
    }

    /**
     * Where it goes wrong.
     *
     * @return the 1-based column
     */
    public int column() {
        return column;
    }
}
