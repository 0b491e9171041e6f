package dev.allocator.compose.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Recorded when a budget refuses a request.
 * {@snippet lang = shell :
 * java -XX:StartFlightRecording:filename=app.jfr ... && jfr print --events dev.allocator.BudgetRefused app.jfr
 * }
 */
@Name("dev.allocator.BudgetRefused")
@Label("Budget Refused")
@Category({"Allocator"})
@Description("A byte budget refused an allocation")
@StackTrace(true)
public final class BudgetRefusedEvent extends Event {

    /** The budget's name. */
    @Label("Budget")
    public String budget;

    /** The budget's limit. */
    @Label("Limit")
    @DataAmount
    public long limit;

    /** Bytes in use under the budget when it refused. */
    @Label("In Use")
    @DataAmount
    public long inUse;

    /** The requested size. */
    @Label("Requested")
    @DataAmount
    public long requested;
}
