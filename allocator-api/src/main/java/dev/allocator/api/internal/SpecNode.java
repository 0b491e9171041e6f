package dev.allocator.api.internal;

/**
 * A parsed spec: a {@link SpecStage}, a {@link SpecChain} of nodes joined by {@code >}, or a {@link SpecChoice} of
 * nodes joined by {@code |}.
 */
public sealed interface SpecNode permits SpecStage, SpecChain, SpecChoice {

    /**
     * Where the node starts.
     *
     * @return the 1-based column of its first character
     */
    int column();
}
