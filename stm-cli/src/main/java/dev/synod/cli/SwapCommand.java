package dev.synod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code synod swap ATOM --add N | --append JSON | --merge JSON}: changes an atom by a function of
 * its current value, compare-and-set, retried when another client changed it in between.
 */
@Command(
        name = "swap",
        mixinStandardHelpOptions = true,
        description = "Change an atom from its current value (compare-and-set, retried on conflict): add to a"
                + " number, append to an array, or merge into an object.")
final class SwapCommand implements Callable<Integer> {
    /** Most digits (and largest exponent) accepted for {@code --add}: beyond, arithmetic blows up. */
    private static final int MAX_DIGITS = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print the old and new value as a JSON object")
    boolean json;

    @Parameters(paramLabel = "ATOM", description = "atom name")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Change change;

    static final class Change {
        @Option(names = "--add", paramLabel = "N", description = "add N to a number (N may be negative)")
        BigDecimal add;

        @Option(names = "--append", paramLabel = "JSON", description = "append a JSON value to an array")
        String append;

        @Option(names = "--merge", paramLabel = "JSON", description = "merge a JSON object's fields into an object")
        String merge;
    }

    @Override
    public Integer call() {
        String canonical = Cells.validName(name);
        if (change.add != null && (change.add.precision() > MAX_DIGITS || Math.abs(change.add.scale()) > MAX_DIGITS)) {
            throw new Failure(
                    Failure.USAGE, "--add needs a number of at most " + MAX_DIGITS + " digits but was " + change.add);
        }
        JsonNode appended = change.append == null ? null : Json.parseArgument("--append", change.append);
        JsonNode merged = change.merge == null ? null : Json.parseArgument("--merge", change.merge);
        if (merged != null && !merged.isObject()) {
            throw new Failure(Failure.USAGE, "--merge needs a JSON object but was " + change.merge);
        }
        return AtomEdit.apply(ensemble, canonical, json, spec.commandLine().getOut(), v -> {
            if (change.add != null) {
                return add(canonical, v, change.add);
            }
            if (appended != null) {
                if (!v.isArray()) {
                    throw mismatch(canonical, v, "an array", "--append");
                }
                return ((ArrayNode) v.deepCopy()).add(appended);
            }
            if (!v.isObject()) {
                throw mismatch(canonical, v, "an object", "--merge");
            }
            ObjectNode copy = ((ObjectNode) v).deepCopy();
            copy.setAll((ObjectNode) merged);
            return copy;
        });
    }

    private static JsonNode add(String name, JsonNode v, BigDecimal n) {
        if (!v.isNumber()) {
            throw mismatch(name, v, "a number", "--add");
        }
        if (v.isIntegralNumber()) {
            // an integer stays an integer that fits a long: typed clients (Long, long) must still read it
            if (n.stripTrailingZeros().scale() > 0) {
                throw new Failure(
                        Failure.USAGE,
                        "--add " + n.toPlainString() + " would turn atom '" + name + "' (an integer, " + Json.compact(v)
                                + ") into a decimal; add a whole number");
            }
            BigInteger sum = v.bigIntegerValue().add(n.toBigIntegerExact());
            if (!Json.fitsLong(new BigDecimal(sum))) {
                throw new Failure(
                        Failure.USAGE,
                        "--add " + n.toPlainString() + " would take atom '" + name + "' (" + Json.compact(v)
                                + ") past the range of a 64-bit integer");
            }
            return LongNode.valueOf(sum.longValue());
        }
        return DecimalNode.valueOf(v.decimalValue().add(n));
    }

    private static Failure mismatch(String name, JsonNode v, String expected, String option) {
        return new Failure(
                Failure.USAGE, option + " needs " + expected + " but atom '" + name + "' holds " + Json.compact(v));
    }
}
