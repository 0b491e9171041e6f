package dev.allocator.compose.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Recorded by a {@code stats} stage when a request fails: a pool exhausted, a budget refused, the C library out of
 * memory. Enable it in a recording like any JDK event:
 * {@snippet lang = shell :
 * jcmd <pid> JFR.start name=alloc settings=profile +dev.allocator.AllocationFailed#enabled=true
 * }
 */
@Name("dev.allocator.AllocationFailed")
@Label("Allocation Failed")
@Category({"Allocator"})
@Description("An allocator could not satisfy a request")
@StackTrace(true)
public final class AllocationFailedEvent extends Event {

    /** The allocator, as its toString shows it. */
    @Label("Allocator")
    public String allocator;

    /** The failure's reason (EXHAUSTED, TOO_LARGE, UNSUPPORTED_ALIGNMENT, OUT_OF_NATIVE_MEMORY, BUDGET). */
    @Label("Reason")
    public String reason;

    /** The requested size. */
    @Label("Size")
    @DataAmount
    public long size;

    /** The requested alignment. */
    @Label("Alignment")
    public long alignment;
}
