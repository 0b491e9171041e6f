package dev.allocator.api;

/**
 * Argument and state checks shared by every allocator in the project, so that every error message has the same
 * shape: what must hold, then the bad value ({@code alignment must be a power of 2: alignment=24}).
 *
 * <p>Each check returns the value it checked, so it can be used inline:
 * {@snippet :
 * this.capacity = Checks.requirePositive(capacity, "capacity");
 * }
 *
 * <p>Providers written by third parties are welcome to use these helpers too.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Checks that {@code value >= 0}.
     *
     * @param value the value to check
     * @param name  the name of the value, used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public static long requireNonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + name + "=" + value);
        }
        return value;
    }

    /**
     * Checks that {@code value > 0}.
     *
     * @param value the value to check
     * @param name  the name of the value, used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value <= 0}
     */
    public static long requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + name + "=" + value);
        }
        return value;
    }

    /**
     * Checks that {@code value} lies in {@code [min, max]}.
     *
     * @param value the value to check
     * @param min   the smallest accepted value
     * @param max   the largest accepted value
     * @param name  the name of the value, used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is outside the range
     */
    public static long requireInRange(long value, long min, long max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be between " + min + " and " + max + ": " + name + "=" + value);
        }
        return value;
    }

    /**
     * Checks that {@code value} is a power of two (and so positive).
     *
     * @param value the value to check
     * @param name  the name of the value, used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is not a power of two
     */
    public static long requirePowerOfTwo(long value, String name) {
        if (value <= 0 || (value & (value - 1)) != 0) {
            throw new IllegalArgumentException(name + " must be a power of 2: " + name + "=" + value);
        }
        return value;
    }

    /**
     * Returns {@code a * b}, checking for overflow.
     *
     * @param a    the first factor, {@code >= 0}
     * @param b    the second factor, {@code >= 0}
     * @param what what the product is, used in the message (e.g. {@code "array size"})
     * @return the product
     * @throws IllegalArgumentException if the product does not fit in a {@code long}
     */
    public static long multiplyExact(long a, long b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException(what + " overflows a long: " + a + " * " + b, overflow);
        }
    }

    /**
     * Rounds {@code value} up to a multiple of {@code alignment}, checking for overflow.
     *
     * @param value     the value to round, {@code >= 0}
     * @param alignment a power of two
     * @return the smallest multiple of {@code alignment} that is {@code >= value}
     * @throws IllegalArgumentException if the result does not fit in a {@code long}
     */
    public static long alignUp(long value, long alignment) {
        long mask = alignment - 1;
        long sum = value + mask;
        if (sum < 0) {
            throw new IllegalArgumentException(
                    "size rounded up to the alignment overflows a long: size=" + value + ", alignment=" + alignment);
        }
        return sum & ~mask;
    }

    /**
     * Checks that an allocator is still open.
     *
     * @param closed    whether the allocator has been closed
     * @param allocator the allocator, named in the message
     * @throws IllegalStateException if {@code closed}
     */
    public static void requireOpen(boolean closed, Object allocator) {
        if (closed) {
            throw new IllegalStateException(allocator + " is closed");
        }
    }

    /**
     * Checks that the calling thread is a confined allocator's owner.
     *
     * @param owner     the thread the allocator is confined to
     * @param allocator the allocator, named in the message
     * @throws WrongThreadException when the calling thread is not {@code owner}
     */
    public static void requireOwner(Thread owner, Object allocator) {
        Thread current = Thread.currentThread();
        if (current != owner) {
            throw new WrongThreadException(allocator + " is confined to thread '" + owner.getName()
                    + "' and cannot be used from thread '" + current.getName() + "'");
        }
    }

    /**
     * Checks that {@code value} is lower-case words of ASCII letters and digits joined by dots, each word starting
     * with a letter ({@code allocator.pool.exhaustions}): the shape of a metric name or tag key.
     *
     * @param value the value to check
     * @param name  the name of the value, used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} has another shape
     * @throws NullPointerException     if {@code value} is null
     */
    public static String requireDottedName(String value, String name) {
        java.util.Objects.requireNonNull(value, name);
        boolean wordStart = true;
        boolean valid = !value.isEmpty();
        for (int i = 0; i < value.length() && valid; i++) {
            char c = value.charAt(i);
            valid = c >= 'a' && c <= 'z' || !wordStart && (c >= '0' && c <= '9' || c == '.');
            wordStart = c == '.';
        }
        if (!valid || wordStart) {
            throw new IllegalArgumentException(
                    name + " must be lower-case words joined by dots: " + name + "=\"" + value + "\"");
        }
        return value;
    }

    /**
     * Formats a native address the way every message in the project does ({@code 0x7f3a0c001000}).
     *
     * @param address the address
     * @return the address in hexadecimal with a {@code 0x} prefix
     */
    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
