package dev.allocator.compose.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Recorded when a {@code checked} allocator is closed with allocations never given back, once per close.
 * {@snippet lang = shell :
 * jfr print --events dev.allocator.Leak app.jfr
 * }
 */
@Name("dev.allocator.Leak")
@Label("Allocator Leak")
@Category({"Allocator"})
@Description("Allocations never given back when a checked allocator was closed")
@StackTrace(false)
public final class LeakEvent extends Event {

    /** The allocator, as its toString shows it. */
    @Label("Allocator")
    public String allocator;

    /** How many allocations leaked. */
    @Label("Count")
    public long count;

    /** How many bytes leaked. */
    @Label("Bytes")
    @DataAmount
    public long bytes;

    /** The leak report, with allocation sites when they were captured. */
    @Label("Report")
    public String report;
}
